import { execFile } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { countBy, type LoadResult } from "../testing/http-load.ts";

// The chart on a real single-node Kubernetes (scripts/cluster.sh test sets the environment):
// hooks, upgrades, rollouts and disruptions under load, helm test, and the Istio CRDs' admission.
// Every request goes to a ClusterIP of the cluster the script made; every loop is bounded.
const env = process.env;
const kubeconfig = env.KUBECONFIG!;
const ns = env.CLUSTER_NAMESPACE!;
const release = env.CLUSTER_RELEASE!;
const fullname = `${release}-cinemaabyss`;
const gateway = env.E2E_GATEWAY_URL!;
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "cluster-checks-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(env.CLUSTER_KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig, "-n", ns, ...args], { maxBuffer: 32 << 20 });
  return stdout;
}
async function kubectlJson<T = any>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectl(...args, "-o", "json")) as T;
}
async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(env.CLUSTER_HELM!, ["--kubeconfig", kubeconfig, ...args], { maxBuffer: 32 << 20, timeout: 600_000 });
  return stdout;
}
/** helm upgrade of the release, keeping the values it has, plus `sets`. */
const upgrade = (...sets: string[]) =>
  helm("upgrade", release, env.CLUSTER_CHART!, "-n", ns, "--reuse-values", ...sets.flatMap((s) => ["--set", s]), "--wait", "--timeout", "5m");

interface PodState { uid: string; name: string; restarts: number; created: string; app: string }
async function appPods(): Promise<PodState[]> {
  const list = await kubectlJson("get", "pods", "-l", "cinemaabyss/app=true");
  return list.items
    .filter((p: any) => p.metadata.deletionTimestamp === undefined && p.status.phase === "Running")
    .map((p: any) => ({
      uid: p.metadata.uid,
      name: p.metadata.name,
      app: p.metadata.labels["app.kubernetes.io/name"],
      created: p.metadata.creationTimestamp,
      restarts: (p.status.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0),
    }));
}

/**
 * Requests with `concurrency` in flight until `stop` settles, at most `max` of them: the load that
 * runs while the cluster changes underneath. Records every outcome; never throws.
 */
async function loadDuring<T>(stop: Promise<T>, makeRequest: (i: number) => Promise<Response>, concurrency = 4, max = 20_000) {
  let done = false;
  const finished = stop.finally(() => void (done = true));
  const results: LoadResult[] = [];
  let next = 0;
  const worker = async () => {
    while (!done && next < max) {
      const i = next++;
      try {
        const res = await makeRequest(i);
        await res.arrayBuffer();
        results.push({ status: res.status, servedBy: res.headers.get("x-served-by") });
      } catch (error) {
        results.push({ status: 0, servedBy: null, error: String((error as Error).cause ?? error) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { value: await finished, results };
}
const failures = (results: LoadResult[], ok: (status: number) => boolean = (s) => s === 200) => results.filter((r) => !ok(r.status));

/** Polls `probe` every 500 ms until it returns true, for at most `ms`. */
async function eventually(what: string, ms: number, probe: () => Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

async function sample(path: string, n: number) {
  const results: LoadResult[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${gateway}${path}`);
    await res.arrayBuffer();
    results.push({ status: res.status, servedBy: res.headers.get("x-served-by") });
  }
  return countBy(results);
}

/** When a Job named `name` last completed, from its events (hook Jobs are deleted on success). */
async function jobCompletions(name: string): Promise<Date[]> {
  const events = await kubectlJson("get", "events", "--field-selector", `involvedObject.kind=Job,involvedObject.name=${name},reason=Completed`);
  return events.items.map((e: any) => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp)).sort((a: Date, b: Date) => a.getTime() - b.getTime());
}

describe("the chart on a real Kubernetes", () => {
  it("ran the migration hook Job, and the schema holds every migration in drizzle/", async () => {
    expect((await jobCompletions(`${fullname}-migrate`)).length).toBeGreaterThanOrEqual(1);
    const secret = await kubectlJson("get", "secret", `${fullname}-secrets`);
    const url = new URL(Buffer.from(secret.data["database-url"], "base64").toString());
    // The URL names the Service's DNS name, which this host does not resolve: its ClusterIP does.
    url.hostname = (await kubectl("get", "svc", `${fullname}-postgresql`, "-o", "jsonpath={.spec.clusterIP}")).trim();
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const journal = JSON.parse(readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: unknown[] };
      const applied = await client.query("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(applied.rows[0].n).toBe(journal.entries.length);
      // each module's tables live in its own schema
      const tables = await client.query("select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema', 'drizzle')");
      expect(tables.rows[0].n).toBeGreaterThan(3);
    } finally {
      await client.end();
    }
  });

  it("re-weights the movies split on helm upgrade without restarting a pod, failing no request meanwhile", async () => {
    const before = await appPods();
    const { results } = await loadDuring(
      (async () => {
        await upgrade("migration.moviesPercent=100");
        // kubelet swaps the mounted route file (sync period), then the gateway reloads it
        await eventually("every GET /api/movies served by the movies service", 120_000, async () => {
          const counts = await sample("/api/movies?limit=1", 20);
          return counts["movies-service"] === 20;
        });
      })(),
      (i) => fetch(`${gateway}/api/movies?limit=1&n=${i}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(failures(results)).toEqual([]);
    const after = await appPods();
    expect(after.map((p) => [p.uid, p.restarts]).sort()).toEqual(before.map((p) => [p.uid, p.restarts]).sort());
  }, 300_000);

  it("fails no GET at the gateway while every movies service pod is deleted, and serves from it again after", async () => {
    const movies = (await appPods()).filter((p) => p.app === "movies");
    expect(movies.length).toBeGreaterThanOrEqual(1);
    const { results } = await loadDuring(
      (async () => {
        await kubectl("delete", "pod", ...movies.map((p) => p.name), "--wait=true", "--timeout=120s");
        await kubectl("rollout", "status", `deployment/${fullname}-movies`, "--timeout=180s");
        await eventually("the movies service serving again", 120_000, async () => ((await sample("/api/movies?limit=1", 10))["movies-service"] ?? 0) > 0);
      })(),
      (i) => fetch(`${gateway}/api/movies?limit=5&n=${i}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(failures(results)).toEqual([]);
  }, 400_000);

  it("rolls the monolith to a new image tag failing no request, the pre-upgrade migration finished before the new pods", async () => {
    const old = (await appPods()).filter((p) => p.app === "monolith");
    const hookRunsBefore = (await jobCompletions(`${fullname}-migrate`)).length;
    let posted = 0;
    const { results } = await loadDuring(upgrade(`services.monolith.imageTag=${env.CLUSTER_IMAGE_TAG}-rollout`), (i) =>
      i % 4 === 0
        ? (posted++, fetch(`${gateway}/api/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: `roll_${process.pid}_${i}`, email: `roll_${process.pid}_${i}@cluster.example` }) }))
        : fetch(`${gateway}/api/users?limit=5&n=${i}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(posted).toBeGreaterThan(10);
    expect(failures(results, (s) => s === 200 || s === 201)).toEqual([]);
    const now = (await appPods()).filter((p) => p.app === "monolith");
    expect(now.map((p) => p.uid).filter((uid) => old.some((o) => o.uid === uid))).toEqual([]);
    const deployment = await kubectlJson("get", "deployment", `${fullname}-monolith`);
    expect(deployment.spec.template.spec.containers[0].image).toMatch(/-rollout$/);
    const completions = await jobCompletions(`${fullname}-migrate`);
    expect(completions.length).toBeGreaterThan(hookRunsBefore);
    const hookDone = completions.at(-1)!.getTime();
    // event timestamps have a one-second resolution
    for (const pod of now) expect(new Date(pod.created).getTime()).toBeGreaterThanOrEqual(hookDone - 1000);
  }, 400_000);

  it("keeps one monolith pod through voluntary evictions (PodDisruptionBudget)", async () => {
    const pdb = await kubectlJson("get", "pdb", `${fullname}-monolith`);
    expect(pdb.spec.minAvailable).toBe(1);
    await eventually("the budget allows one disruption", 60_000, async () => (await kubectlJson("get", "pdb", `${fullname}-monolith`)).status.disruptionsAllowed === 1);
    const [first, second] = (await appPods()).filter((p) => p.app === "monolith");
    const evict = async (name: string) => {
      const file = join(scratch, `evict-${name}.json`);
      writeFileSync(file, JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: ns } }));
      return run(env.CLUSTER_KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig, "create", "--raw", `/api/v1/namespaces/${ns}/pods/${name}/eviction`, "-f", file]).then(
        () => "evicted",
        (error: Error & { stderr?: string }) => String(error.stderr ?? error.message),
      );
    };
    expect(await evict(first!.name)).toBe("evicted");
    expect(await evict(second!.name)).toMatch(/disruption budget|TooManyRequests|429/i);
    await kubectl("rollout", "status", `deployment/${fullname}-monolith`, "--timeout=180s");
  }, 300_000);

  it("passes the chart's helm test hooks (gateway health, a read through each route)", async () => {
    const out = await helm("test", release, "-n", ns, "--timeout", "3m");
    expect(out).toMatch(/Phase:\s+Succeeded/);
  }, 240_000);

  it("has its DestinationRules and VirtualService admitted by Istio's CRDs, which refuse a planted bad field", async () => {
    const rules = await kubectlJson("get", "destinationrules.networking.istio.io");
    expect(rules.items.map((r: any) => r.metadata.name).sort()).toEqual([`${fullname}-monolith`, `${fullname}-movies`]);
    const services = await kubectlJson("get", "virtualservices.networking.istio.io");
    expect(services.items.length).toBeGreaterThanOrEqual(1);
    const bad = structuredClone(rules.items[0]);
    for (const key of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation"]) delete bad.metadata[key];
    bad.metadata.name = "planted-bad-field";
    bad.spec.trafficPolicy.connectionPool.tcp.maxConnectionz = 5;
    const file = join(scratch, "bad.json");
    writeFileSync(file, JSON.stringify(bad));
    const refused = await kubectl("apply", "--dry-run=server", "-f", file).then(
      () => "admitted",
      (error: Error & { stderr?: string }) => String(error.stderr),
    );
    expect(refused).toMatch(/unknown field.*maxConnectionz/);
    bad.spec.trafficPolicy.connectionPool.tcp = { maxConnections: "many" };
    writeFileSync(file, JSON.stringify(bad));
    const wrongType = await kubectl("apply", "--dry-run=server", "-f", file).then(
      () => "admitted",
      (error: Error & { stderr?: string }) => String(error.stderr),
    );
    expect(wrongType).toMatch(/maxConnections/);
    expect(wrongType).not.toBe("admitted");
  }, 60_000);
});
