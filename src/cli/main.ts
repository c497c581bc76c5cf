import { Command, CommanderError, Option } from "commander";
import { AdminClient, CliFailure } from "./admin-client.ts";
import { processOutput, type Output } from "./output.ts";
import { actOnRollout, rolloutStatus, startRollout, type RolloutAction } from "./rollout-command.ts";
import { listRoutes, percentArgument, setRoute } from "./routes-command.ts";
import { setShadow, showDiff } from "./shadow-command.ts";

const DEFAULT_ADMIN_URL = "http://127.0.0.1:9901";

interface GlobalOptions {
  adminUrl: string;
  token?: string;
  json: boolean;
}

/**
 * The `cinemaabyss` command: the gateway's admin API for an operator's terminal. Exit codes:
 * 0 done, 1 refused (unreachable, 401, unknown route, a rollout that ended rolled back), 2 usage.
 */
export function cliProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("cinemaabyss")
    .description("Operate CinemaAbyss's strangler-fig gateway: routes, rollouts, shadow diffs")
    .addOption(new Option("--admin-url <url>", "the gateway's admin listener").env("CINEMAABYSS_ADMIN_URL").default(DEFAULT_ADMIN_URL))
    .addOption(new Option("--token <token>", "the gateway's ADMIN_TOKEN").env("CINEMAABYSS_ADMIN_TOKEN"))
    .option("--json", "print JSON instead of tables", false)
    .exitOverride()
    .showHelpAfterError();

  const context = (): { admin: AdminClient; out: Output } => {
    const options = program.opts<GlobalOptions>();
    return { admin: new AdminClient({ url: options.adminUrl, token: options.token }), out: processOutput(options.json) };
  };

  const routes = program.command("routes").description("the route table: split, breakers, rates per side").action(async () => {
    const { admin, out } = context();
    await listRoutes(admin, out);
  });
  routes
    .command("set <route> <percent>")
    .description("send <percent> of the route's keyed callers to its service (a finished route is made gradual again)")
    .action(async (route: string, percent: string) => {
      const { admin, out } = context();
      await setRoute(admin, out, route, { percent: percentArgument(percent), gradual: true });
    });
  routes
    .command("finish <route>")
    .description("end the migration of a route: all traffic to its service, no more gradual split")
    .action(async (route: string) => {
      const { admin, out } = context();
      await setRoute(admin, out, route, { percent: 100, gradual: false });
    });

  const rollout = program.command("rollout").description("progressive delivery of a route, gated by live analysis");
  rollout
    .command("start <route>")
    .description("start a rollout: a plan file, or percent steps each held for a duration")
    .option("--plan <file>", "the plan, JSON or YAML, as PUT /admin/routes/{name}/rollout takes it")
    .option("--steps <percents>", "comma list of percents", "1,5,25,50,100")
    .option("--step-duration <duration>", "how long each step holds before promotion (e.g. 30s, 5m)", "5m")
    .option("--shadow <duration>", "a shadow phase of this duration before the first step")
    .action(async (route: string, options: { plan?: string; steps?: string; stepDuration?: string; shadow?: string }) => {
      const { admin, out } = context();
      const fromFlags = options.plan ? { plan: options.plan } : options;
      await startRollout(admin, out, route, fromFlags);
    });
  rollout
    .command("status <route>")
    .description("the rollout's state, step and last analysis; --watch follows it until it ends")
    .option("--watch", "redraw until the rollout ends (exit 1 when it was rolled back or aborted)", false)
    .option("--interval <ms>", "poll interval in milliseconds", "1000")
    .option("--timeout <ms>", "give up watching after this many milliseconds")
    .action(async (route: string, options: { watch: boolean; interval: string; timeout?: string }) => {
      const { admin, out } = context();
      const number = (name: string, value: string) => {
        if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliFailure(`--${name} must be a positive whole number of milliseconds, not '${value}'`, 2);
        return Number(value);
      };
      setExitCode(
        await rolloutStatus(admin, out, route, {
          watch: options.watch,
          intervalMs: number("interval", options.interval),
          ...(options.timeout === undefined ? {} : { timeoutMs: number("timeout", options.timeout) }),
        }),
      );
    });
  for (const action of ["promote", "pause", "resume", "abort"] as const satisfies readonly RolloutAction[]) {
    rollout
      .command(`${action} <route>`)
      .description(`${action} the route's rollout`)
      .action(async (route: string) => {
        const { admin, out } = context();
        await actOnRollout(admin, out, route, action);
      });
  }

  program
    .command("diff <route>")
    .description("the shadow comparison report: matched, mismatched, noisy paths, examples")
    .action(async (route: string) => {
      const { admin, out } = context();
      await showDiff(admin, out, route);
    });
  program
    .command("shadow <route> <percent>")
    .description("copy <percent> of GET/HEAD to the other side and compare the answers")
    .action(async (route: string, percent: string) => {
      const { admin, out } = context();
      await setShadow(admin, out, route, percent);
    });
  return program;
}

/** Runs the CLI on argv; resolves with the exit code rather than exiting, so tests can call it. */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const program = cliProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliFailure) {
      process.stderr.write(`cinemaabyss: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
