import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRole } from "../../roles/run-role.ts";
import { adminClient, idOf, keyedTraffic, movie, sharedDatabase, startProxyReplica, waitFor, type Traffic } from "../../testing/rollout-gateway.ts";
import { ScriptedService } from "../../testing/scripted-service.ts";

const serverUrl = process.env.DB_CONNECTION_STRING;
const HANGING_MOVIE = "999";

interface Replica {
  id: string;
  role: RunningRole;
  url: string;
  admin: ReturnType<typeof adminClient>;
  traffic?: Traffic;
}

// Tier `npm run test:servers` (real PostgreSQL): PGlite cannot be shared by two processes' worth of gateways.
describe.runIf(Boolean(serverUrl))("two gateway replicas on one PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof sharedDatabase>>;
  let legacy: ScriptedService;
  let service: ScriptedService;
  const replicas: Replica[] = [];
  let stopWatching = async () => {};

  const startReplica = async (id: string): Promise<Replica> => {
    const role = await startProxyReplica({
      DB_CONNECTION_STRING: database.url,
      MONOLITH_URL: legacy.url,
      MOVIES_SERVICE_URL: service.url,
      GATEWAY_REPLICA_ID: id,
      GATEWAY_ROLLOUT_TICK_MS: "100",
    });
    const replica = { id, role, url: `http://127.0.0.1:${role.ports.gateway}`, admin: adminClient(`http://127.0.0.1:${role.ports.admin}`) };
    replicas.push(replica);
    return replica;
  };
  const leads = async (r: Replica) => /^gateway_rollout_leader 1$/m.test(await r.admin.metrics());
  const percentOn = async (r: Replica) => {
    const routes = (await r.admin.call("GET", "/admin/routes")).json.routes as { name: string; percent: number; gradual: boolean }[];
    const movies = routes.find((x) => x.name === "movies")!;
    return movies.gradual ? movies.percent : 100;
  };

  beforeAll(async () => {
    database = await sharedDatabase(serverUrl!);
    // Movie 999 never answers: a request that keeps a stopping replica draining.
    const script = (r: { path: string }) => (idOf(r.path) === HANGING_MOVIE ? ("hang" as const) : { body: movie(idOf(r.path)) });
    legacy = await new ScriptedService("monolith", script).start();
    service = await new ScriptedService("movies-service", script).start();
  });
  afterAll(async () => {
    await stopWatching();
    for (const r of replicas) {
      await r.traffic?.stop();
      await r.role.stop().catch(() => {});
    }
    await Promise.all([legacy?.kill(), service?.kill()]);
    await database?.drop();
  });

  it("has one leader; both apply every weight within 2 s; the other resumes when the leader dies; a restart resumes the stored state", async () => {
    const [a, b] = [await startReplica("a"), await startReplica("b")];
    a.traffic = keyedTraffic(a.url, 3);
    b.traffic = keyedTraffic(b.url, 3);
    // Started on one replica: the plan is stored, and one of the two leads it. The leader is stopped
    // once both show 30 %, with a request in flight that holds its drain open for the whole graceful
    // stop (10 s): a stopping leader that kept its lease would promote after the 3 s step itself.
    const starter = b;
    const plan = {
      steps: [{ shadow: true, percent: 0, duration: "200ms" }, { percent: 10, duration: "200ms" }, { percent: 30, duration: "200ms" }, { percent: 60, duration: "3s" }, { percent: 100 }],
      analysis: { interval: "150ms", window: "5s", minRequests: 5 },
    };
    expect([await leads(a), await leads(b)]).toEqual([false, false]);
    expect((await starter.admin.call("PUT", "/admin/routes/movies/rollout", plan)).status).toBe(201);
    expect(await waitFor(async () => [await leads(a), await leads(b)], (l) => l.filter(Boolean).length === 1)).toContain(true);

    // When each replica first showed each weight, sampled in the background so the survivor is still
    // watched while the leader stops (a foreground sample paused for the whole drain, and a weight the
    // survivor had applied at once was recorded seconds late).
    const firstSeen = new Map<string, Map<number, number>>([["a", new Map()], ["b", new Map()]]);
    const watched = new Set(["a", "b"]);
    const watcher = sampleWeights(() => replicas.filter((r) => watched.has(r.id)), percentOn, firstSeen);
    stopWatching = watcher.stop;
    // Until both replicas run at 30 % (the starter's delay is asserted below).
    await waitFor(async () => [...firstSeen.values()].every((seen) => seen.has(30)), Boolean, 60_000, 20);
    expect((await starter.admin.rollout()).state).toBe("progressing");

    // The leader stops mid-rollout: its traffic ends, and as its listeners start draining it hands
    // the lease over, so the other replica leads and finishes while the leader is still stopping.
    const leader = (await leads(a)) ? a : b;
    const survivor = leader === a ? b : a;
    expect(await leads(survivor)).toBe(false);
    await leader.traffic!.stop();
    const held = fetch(`${leader.url}/api/movies/${HANGING_MOVIE}`).then((res) => res.status, () => "cut");
    const reachedUpstream = async () => [...legacy.seen, ...service.seen].some((r) => idOf(r.path) === HANGING_MOVIE && !r.shadow);
    expect(await waitFor(reachedUpstream, Boolean)).toBe(true);
    watched.delete(leader.id);
    let stopped = false;
    const stopping = leader.role.stop().then(() => (stopped = true));
    expect(await waitFor(() => leads(survivor), Boolean, 5_000)).toBe(true);
    expect(stopped, "the leader had already stopped: nothing was handed over while it drained").toBe(false);
    const done = await waitFor(() => survivor.admin.rollout(), (r) => r.state !== "progressing", 60_000, 20);
    await watcher.stop();
    await stopping;
    expect(await held).toBe("cut");
    expect(done).toMatchObject({ state: "promoted", percent: 100 });
    // The dead leader moved the steps up to 30 %, the survivor the ones after.
    expect(done.history.find((h: { percent: number }) => h.percent === 30).by).toBe(`rollout-analysis (${leader.id})`);
    expect(done.history[0]).toMatchObject({ percent: 100, by: `rollout-analysis (${survivor.id})` });

    // Both replicas applied every weight the leader set while both were up, within 2 s of each other.
    for (const [percent, seenByLeader] of firstSeen.get(leader.id)!) {
      const seenBySurvivor = firstSeen.get(survivor.id)!.get(percent);
      expect(seenBySurvivor, `weight ${percent}`).toBeDefined();
      expect(Math.abs(seenBySurvivor! - seenByLeader), `weight ${percent}`).toBeLessThanOrEqual(2_000);
    }
    expect([...firstSeen.get(leader.id)!.keys()]).toEqual(expect.arrayContaining([0, 10, 30]));
    await survivor.traffic!.stop();
    expect([...a.traffic.failed, ...b.traffic.failed]).toEqual([]);
    expect([...a.traffic.movedBack, ...b.traffic.movedBack]).toEqual([]);

    // A replica started again reads the stored rollout: promoted, the route fully on the service.
    const again = await startReplica(leader.id);
    const resumed = await waitFor(() => again.admin.rollout(), (r) => r.state === "promoted");
    expect(resumed).toMatchObject({ state: "promoted", step: 4, percent: 100 });
    expect(resumed.history.length).toBe(done.history.length);
  }, 120_000);
});

/** Polls each watched replica's weight every 20 ms until stopped (bounded at 2 min), recording when each first showed each weight. */
function sampleWeights(
  watched: () => Replica[],
  percentOn: (r: Replica) => Promise<number>,
  firstSeen: Map<string, Map<number, number>>,
): { stop(): Promise<void> } {
  let running = true;
  const deadline = Date.now() + 120_000;
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      await Promise.all(
        watched().map(async (r) => {
          const p = await percentOn(r).catch(() => undefined);
          if (p !== undefined && !firstSeen.get(r.id)!.has(p)) firstSeen.get(r.id)!.set(p, Date.now());
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
