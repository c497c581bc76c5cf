import type { RunningRole } from "../roles/run-role.ts";
import { startTestRole } from "../testing/test-platform.ts";

export interface E2eTarget {
  kind: "split" | "all-in-one" | "cluster";
  gateway: string;
  monolith: string;
  movies: string;
  events: string;
  /** A payments-only service that asks users of the monolith remotely (split only). */
  payments: string | undefined;
  percent: number;
  stop(): Promise<void>;
}

/**
 * The platform the end-to-end suite runs against: the split topology that `npm run topology --
 * vitest run ...` started, or the chart on a real Kubernetes that `scripts/cluster.sh test` deployed
 * (both give the E2E_* URLs), or else an all-in-one started here, on free ports.
 */
export async function e2eTarget(): Promise<E2eTarget> {
  const env = process.env;
  if (env.E2E_TOPOLOGY === "split" || env.E2E_TOPOLOGY === "cluster") {
    return {
      kind: env.E2E_TOPOLOGY,
      gateway: env.E2E_GATEWAY_URL!,
      monolith: env.E2E_MONOLITH_URL!,
      movies: env.E2E_MOVIES_URL!,
      events: env.E2E_EVENTS_URL!,
      payments: env.E2E_PAYMENTS_URL,
      percent: Number(env.E2E_MOVIES_MIGRATION_PERCENT ?? 0),
      stop: async () => {},
    };
  }
  const role: RunningRole = await startTestRole("all-in-one", { MOVIES_MIGRATION_PERCENT: "50" });
  const at = (name: string) => `http://127.0.0.1:${role.ports[name]}`;
  return { kind: "all-in-one", gateway: at("gateway"), monolith: at("monolith"), movies: at("movies"), events: at("events"), payments: undefined, percent: 50, stop: () => role.stop() };
}
