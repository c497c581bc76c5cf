import { FakeUpstream } from "./fake-upstream.ts";
import { startTestRole } from "./test-platform.ts";
import type { RunningRole } from "../roles/run-role.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";

/**
 * A service that is down: port 1 on the loopback, which no test listens on and listen(0) never hands
 * out. A killed fake's freed port can be taken by a parallel worker's listen(0) before the request,
 * which then reaches that server instead of being refused.
 */
export const DOWN_SERVICE_URL = "http://127.0.0.1:1";

export interface TestGateway {
  url: string;
  /** The admin listener: /metrics and /admin/*. */
  adminUrl: string;
  monolith: FakeUpstream;
  movies: FakeUpstream;
  role: RunningRole;
  /** PUT /admin/routes/{name} with the admin token. */
  reweight(name: string, body: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** The proxy role over real HTTP in front of two fake upstreams, the monolith and the movies service. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const monolith = await new FakeUpstream("monolith").start();
  const movies = await new FakeUpstream("movies-service").start();
  const role = await startTestRole("proxy", {
    MONOLITH_URL: monolith.url,
    MOVIES_SERVICE_URL: movies.url,
    ADMIN_TOKEN,
    ...env,
  });
  const url = `http://127.0.0.1:${role.ports.gateway}`;
  const adminUrl = `http://127.0.0.1:${role.ports.admin}`;
  return {
    url,
    adminUrl,
    monolith,
    movies,
    role,
    reweight: (name, body) =>
      fetch(`${adminUrl}/admin/routes/${name}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    stop: async () => {
      await role.stop();
      await Promise.all([monolith.kill(), movies.kill()]);
    },
  };
}
