// Process entry point for the poller role alone: run several such processes against one Redis (see docs/pipeline.md).
import { runRoles } from "../src/cli/start.ts";

process.exitCode = await runRoles(["poller"]);
