import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { parse as parseYaml } from "yaml";
import { validationMessage } from "../../contracts/validation-message.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import type { RouteRegistry } from "../routing/route-registry.ts";
import { RouteTableFile } from "../routing/route-table.ts";

// Polling, not fs.watch: a Kubernetes ConfigMap update swaps a symlink, which inotify on the
// file itself does not see; a stat every half second does, well inside the 2 s promise.
const POLL_MS = 500;

/** Reads and validates the file (YAML, of which JSON is a subset); throws a message naming what is wrong. */
export function readRouteFile(path: string): RouteTableFile {
  const text = readFileSync(path, "utf8");
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new Error(`${path}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = RouteTableFile.safeParse(data);
  if (!parsed.success) throw new Error(`${path}: ${validationMessage(parsed.error, "file")}`);
  return parsed.data;
}

/**
 * Applies the file now and after every change (for a route under a rollout, only an entry the
 * change touched). A bad edit is refused and logged; the last good table stays. Returns the stop function.
 */
export function watchRouteFile(path: string, registry: RouteRegistry, log: Logger, rolloutHolds: (route: string) => boolean = () => false): () => void {
  let last: RouteTableFile | undefined;
  const apply = (when: string) => {
    try {
      const file = readRouteFile(path);
      // A route whose weight a rollout holds takes its entry only when an edit changed that entry:
      // an edit of another route neither undoes nor pauses the rollout.
      const unchanged = (name: string, w: unknown) => last !== undefined && JSON.stringify(last.routes[name]) === JSON.stringify(w);
      const edited = { routes: Object.fromEntries(Object.entries(file.routes).filter(([name, w]) => !(unchanged(name, w) && rolloutHolds(name)))) };
      const routes = registry.applyFile(edited);
      last = file;
      log.info({ file: path, routes: routes.map(({ name, percent, gradual }) => ({ name, percent, gradual })) }, `route file ${when}`);
    } catch (error) {
      log.error({ file: path, err: (error as Error).message }, "route file refused; keeping the last good table");
    }
  };
  apply("loaded");
  const onChange = (now: { mtimeMs: number; ino: number; size: number }, before: { mtimeMs: number; ino: number; size: number }) => {
    if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) apply("changed");
  };
  watchFile(path, { interval: POLL_MS, persistent: false }, onChange);
  return () => unwatchFile(path, onChange);
}
