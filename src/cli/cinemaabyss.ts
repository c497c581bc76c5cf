// The bundle's entry (dist/cli.mjs): the process exits with the command's code.
import { runCli } from "./main.ts";

process.exitCode = await runCli(process.argv.slice(2));
