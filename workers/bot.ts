// Process entry point for the bot role alone: run several such processes against one Redis (see docs/pipeline.md).
import { runRoles } from "../src/cli/start.ts";

process.exitCode = await runRoles(["bot"]);
