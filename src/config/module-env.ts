import { z } from "zod";
import { envPrefix, type ModuleDescriptor } from "../modules/module-descriptor.ts";
import { httpUrl, percent, port } from "./env-values.ts";

/** One module as this process is configured for it. */
export interface ModuleSettings {
  readonly module: ModuleDescriptor;
  /** `<NAME>_PORT`: the port of the module's own service. */
  readonly port: number;
  /** `<NAME>_SERVICE_URL`: where the module runs when not in this process; the gateway's service target. */
  readonly serviceUrl: string | undefined;
  /** `<NAME>_MIGRATION_PERCENT`: the share of its routes the gateway sends to its service. */
  readonly percent: number;
}

/** The variables each module of the registry brings: `<NAME>_PORT`, `<NAME>_SERVICE_URL`, `<NAME>_MIGRATION_PERCENT`. */
export function moduleEnv(modules: readonly ModuleDescriptor[]): Record<string, z.ZodType> {
  return Object.fromEntries(
    modules.flatMap((m) => {
      const name = envPrefix(m.name);
      return [
        [`${name}_PORT`, port.default(m.defaultPort)],
        [`${name}_SERVICE_URL`, httpUrl.optional()],
        [`${name}_MIGRATION_PERCENT`, m.inMonolith ? percent.default(0) : refused(`${m.name} never lived in the monolith: its service takes all of its traffic`)],
        // A prefix named otherwise than its module (subscriptions in payments) follows the module:
        // a variable of its own would let the two disagree, so it is refused with the one to use.
        ...m.routePrefixes
          .map((prefix) => envPrefix(prefix.split("/").at(-1) ?? ""))
          .filter((segment) => segment !== name && segment !== "")
          .flatMap((segment) =>
            ["SERVICE_URL", "MIGRATION_PERCENT", "PORT"].map((suffix) => [`${segment}_${suffix}`, refused(`${segment.toLowerCase()} is part of the ${m.name} module: set ${name}_${suffix}`)]),
          ),
      ];
    }),
  );
}

function refused(message: string) {
  return z.undefined({ error: message }).optional();
}

/** Each module's settings from the parsed environment. */
export function moduleSettings(modules: readonly ModuleDescriptor[], env: Record<string, unknown>): ModuleSettings[] {
  return modules.map((module) => {
    const name = envPrefix(module.name);
    return Object.freeze({
      module,
      port: env[`${name}_PORT`] as number,
      serviceUrl: env[`${name}_SERVICE_URL`] as string | undefined,
      percent: (env[`${name}_MIGRATION_PERCENT`] as number | undefined) ?? 0,
    });
  });
}
