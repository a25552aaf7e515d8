// Process entry point for the deliverer role alone: run several such processes against one Redis (see docs/pipeline.md).
import { runRoles } from "../src/cli/start.ts";

process.exitCode = await runRoles(["deliverer"]);
