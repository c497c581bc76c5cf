import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";

// Renders the chart with helm (built by scripts/helm.sh) and checks every object it would create.
// Run by `npm run test:chart` (CI), not by `npm test`: it needs helm, which takes minutes to build once.
const CHART = "src/kubernetes/helm/cinemaabyss";
const VALUES_DIR = "src/kubernetes/helm/values";
const valuesFiles = readdirSync(VALUES_DIR).filter((f) => f.endsWith(".yaml")).sort();

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };

function helm(...args: string[]) {
  return spawnSync("scripts/helm.sh", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

function render(...args: string[]): K8sObject[] {
  const run = helm("template", "demo", CHART, ...args);
  if (run.status !== 0) throw new Error(run.stderr);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The kubernetes-models (or Istio models) class of an object, or undefined when none is known. */
async function modelOf(o: K8sObject): Promise<(new (data: unknown) => { validate(): void }) | undefined> {
  const [group = "", version = ""] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  const path = group.endsWith("istio.io")
    ? `@kubernetes-models/istio/${group}/${version}`
    : group === "monitoring.coreos.com"
      ? `@kubernetes-models/prometheus-operator/${group}/${version}`
      : group === ""
        ? `kubernetes-models/${version}`
        : `kubernetes-models/${group}/${version}`;
  const mod = await import(path);
  return mod[o.kind];
}

const cases: [string, string[]][] = [["default values", []], ...valuesFiles.map((f): [string, string[]] => [f, ["-f", `${VALUES_DIR}/${f}`]])];

describe("the Helm chart", () => {
  it("passes helm lint with every values file", () => {
    for (const [, args] of cases) {
      const run = helm("lint", CHART, ...args);
      expect(run.status, run.stdout + run.stderr).toBe(0);
    }
  }, 120_000);

  it.each(cases)("renders objects valid against the Kubernetes and Istio schemas (%s)", async (_name, args) => {
    const objects = render(...args);
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) {
      const Model = await modelOf(o);
      expect(Model, `no schema model for ${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(() => new Model!(o).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
  });

  it.each(cases)("gives every workload probes, resources and a restricted securityContext (%s)", (_name, args) => {
    const workloads = render(...args).filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind));
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      const where = `${w.kind} ${w.metadata.name}`;
      expect(pod.securityContext, where).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      for (const c of pod.containers) {
        expect(c.securityContext, where).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] } });
        expect(c.resources?.requests && c.resources?.limits, `${where} resources`).toBeTruthy();
        if (w.kind !== "Job") {
          expect(c.livenessProbe, `${where} liveness`).toBeDefined();
          expect(c.readinessProbe, `${where} readiness`).toBeDefined();
        }
        // Our own images run with a read-only root; Kafka's image writes its config at start.
        if (!w.metadata.name.endsWith("-kafka")) expect(c.securityContext.readOnlyRootFilesystem, where).toBe(true);
      }
    }
  });

  it("gives each role its own image and port, and probes that mean different things", () => {
    const deployments = render("-f", `${VALUES_DIR}/split-finished.yaml`).filter((o) => o.kind === "Deployment");
    const byRole: Record<string, any> = Object.fromEntries(deployments.map((d) => [d.spec.template.metadata.labels["cinemaabyss/role"], d.spec.template.spec.containers[0]]));
    expect(Object.keys(byRole).sort()).toEqual(["auth", "events", "monolith", "movies", "payments", "proxy", "users"]);
    const expected = { proxy: 8000, monolith: 8080, movies: 8081, events: 8082, users: 8083, payments: 8084, auth: 8085 } as Record<string, number>;
    for (const [role, c] of Object.entries(byRole)) {
      expect(c.image).toBe(`ghcr.io/cinemaabyss/cinemaabyss-${role}:0.1.0`);
      // Every role adds its admin listener, which only the cluster reaches.
      expect(c.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([expected[role], 9901]);
      expect(c.env).toContainEqual({ name: "ADMIN_PORT", value: "9901" });
      expect(c.livenessProbe.httpGet.path).toBe("/live");
      expect(c.readinessProbe.httpGet.path).toBe("/ready");
    }
  });

  it.each([
    ["split-0.yaml", 0, true],
    ["split-50.yaml", 50, true],
    ["split-100.yaml", 100, true],
    ["split-finished.yaml", 100, false],
  ])("carries the percent of %s to the gateway's watched route file and legacy env", (file, percent, gradual) => {
    const objects = render("-f", `${VALUES_DIR}/${file}`);
    const routes = parseYaml(objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.endsWith("-routes"))!.data!["routes.yaml"]!);
    expect(routes.routes.movies).toEqual({ percent, gradual });
    const env = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.endsWith("-config"))!.data!;
    expect(env.MOVIES_MIGRATION_PERCENT).toBe(String(percent));
    const gateway = objects.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-gateway"))!.spec.template.spec;
    expect(gateway.containers[0].env).toContainEqual({ name: "GATEWAY_CONFIG", value: "/etc/cinemaabyss/routes.yaml" });
    expect(gateway.containers[0].env).toContainEqual({ name: "ADMIN_PORT", value: "9901" });
    const ingress = objects.filter((o) => o.kind === "Ingress").flatMap((o) => o.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.port)));
    expect(ingress.every((port: { name?: string; number?: number }) => port.name !== "http-admin" && port.number !== 9901)).toBe(true);
    expect(gateway.volumes).toContainEqual({ name: "routes", configMap: { name: "demo-cinemaabyss-routes" } });
    // No checksum annotation: a changed percent must not restart the gateway.
    expect(JSON.stringify(gateway)).not.toContain("checksum/");
  });

  it("rolls out surge-first, drains a stopping pod before SIGTERM, and rolls one role alone on its imageTag", () => {
    const objects = render("--set", "services.monolith.imageTag=next");
    const deployments = objects.filter((o) => o.kind === "Deployment");
    for (const d of deployments) {
      expect(d.spec.strategy, d.metadata.name).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      expect(d.spec.template.spec.containers[0].lifecycle.preStop.exec.command, d.metadata.name).toEqual(["sleep", "5"]);
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(5 + 10);
    }
    const images = Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image]));
    expect(images["demo-cinemaabyss-monolith"]).toBe("ghcr.io/cinemaabyss/cinemaabyss-monolith:next");
    expect(images["demo-cinemaabyss-movies"]).toBe("ghcr.io/cinemaabyss/cinemaabyss-movies:0.1.0");
    const migrate = objects.find((o) => o.kind === "Job")!;
    expect(migrate.spec.template.spec.containers[0].image).toBe("ghcr.io/cinemaabyss/cinemaabyss-monolith:next");
  });

  it("has a helm test hook that reads through every route the gateway serves", () => {
    const tests = render().filter((o) => o.metadata.annotations?.["helm.sh/hook"] === "test");
    expect(tests.map((o) => o.kind)).toEqual(["Pod"]);
    const script = tests[0]!.spec.containers[0].args.join("\n");
    for (const path of ["/health", "/api/movies", "/api/users", "/api/payments", "/api/subscriptions", "/api/events/health", "/api/auth/me"]) {
      expect(script).toContain(`"${path}`);
    }
    expect(tests[0]!.spec.containers[0].env).toContainEqual({ name: "GATEWAY", value: "http://demo-cinemaabyss-gateway:8000" });
  });

  it("runs migrations as a hook before upgrade, and before install when the database is external", () => {
    const hook = (args: string[]) => render(...args).find((o) => o.kind === "Job")!.metadata.annotations!["helm.sh/hook"];
    expect(hook([])).toBe("post-install,pre-upgrade");
    expect(hook(["-f", `${VALUES_DIR}/external.yaml`])).toBe("pre-install,pre-upgrade");
    const external = render("-f", `${VALUES_DIR}/external.yaml`);
    expect(external.filter((o) => o.kind === "StatefulSet")).toEqual([]);
  });

  it("switches enforcement on at the gateway, and shares the signing keys through the Secret", () => {
    const objects = render("--set", "auth.requireAuth={movies,payments}");
    expect(objects.find((o) => o.metadata.name.endsWith("-config"))!.data!.GATEWAY_REQUIRE_AUTH).toBe("movies,payments");
    expect(render().find((o) => o.metadata.name.endsWith("-config"))!.data!.GATEWAY_REQUIRE_AUTH).toBeUndefined();
    for (const d of objects.filter((o) => o.kind === "Deployment")) {
      expect(d.spec.template.spec.containers[0].env).toContainEqual({ name: "AUTH_JWT_KEYS", valueFrom: { secretKeyRef: { name: "demo-cinemaabyss-secrets", key: "jwt-keys" } } });
    }
  });

  it("keeps content under /data by default, and points every role but the gateway at an S3 bucket with credentials from a Secret when one is set", () => {
    const config = (objects: K8sObject[]) => objects.find((o) => o.metadata.name.endsWith("-config"))!.data!;
    const plain = config(render());
    expect(plain.CONTENT_DATA_DIR).toBe("/data/content");
    expect(Object.keys(plain).filter((k) => k.startsWith("S3_") || k === "CONTENT_PUBLIC_URL")).toEqual([]);
    const objects = render("-f", `${VALUES_DIR}/s3.yaml`);
    expect(config(objects)).toMatchObject({
      S3_ENDPOINT: "http://minio.storage.svc.cluster.local:9000",
      S3_BUCKET: "cinemaabyss-content",
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: "true",
      CONTENT_PUBLIC_URL: "https://cinemaabyss.local",
    });
    for (const d of objects.filter((o) => o.kind === "Deployment")) {
      const env = d.spec.template.spec.containers[0].env;
      const credential = { name: "S3_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "cinemaabyss-s3", key: "secret-access-key" } } };
      if (d.metadata.name.endsWith("-gateway")) expect(env).not.toContainEqual(credential);
      else expect(env).toContainEqual(credential);
    }
    const noSecret = render("--set", "content.s3.bucket=cinemaabyss-content");
    expect(JSON.stringify(noSecret)).not.toContain("S3_ACCESS_KEY_ID");
    expect(helm("template", "demo", CHART, "--set", "content.s3.bucket=Bad_Bucket").status).not.toBe(0);
  });

  it("lets only the gateway be reached from the ingress", () => {
    const objects = render();
    const ingress = objects.find((o) => o.kind === "Ingress")!;
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: "demo-cinemaabyss-gateway", port: { number: 8000 } });
    const open = (objs: K8sObject[]) => objs.filter((o) => o.kind === "NetworkPolicy" && o.spec.ingress?.some((rule: { from?: unknown }) => !rule.from));
    expect(open(objects)).toEqual([]);
    // Without an ingress controller's namespace (a LoadBalancer in front), the gateway's port alone is open.
    const anywhere = open(render("--set", "networkPolicy.ingressNamespace="));
    expect(anywhere.map((p) => p.spec.podSelector.matchLabels["cinemaabyss/edge"])).toEqual(["true"]);
    const edge = objects.filter((o) => o.kind === "Deployment" && o.spec.template.metadata.labels["cinemaabyss/edge"] === "true");
    expect(edge.map((d) => d.metadata.name)).toEqual(["demo-cinemaabyss-gateway"]);
  });

  it("renders Istio circuit breaking for the monolith and the movies service when switched on", () => {
    const rules = render("-f", `${VALUES_DIR}/istio.yaml`).filter((o) => o.kind === "DestinationRule");
    expect(rules.map((r) => r.spec.host).sort()).toEqual(["demo-cinemaabyss-monolith", "demo-cinemaabyss-movies"]);
    expect(rules[0]!.spec.trafficPolicy.outlierDetection).toMatchObject({ consecutive5xxErrors: 5, baseEjectionTime: "30s" });
    const canary = render("-f", `${VALUES_DIR}/istio.yaml`).find((o) => o.kind === "VirtualService")!;
    expect(canary.spec.http[0].route.map((r: { weight: number }) => r.weight)).toEqual([75, 25]);
    expect(render().filter((o) => o.apiVersion.includes("istio"))).toEqual([]);
  });

  it.each([
    [["--set", "migration.moviesPercent=150"], "/migration/moviesPercent': maximum: got 150, want 100"],
    [["--set", "migration.moviesPercent=-1"], "/migration/moviesPercent': minimum: got -1, want 0"],
    [["--set", "gateway.adminToken=short"], "/gateway/adminToken"],
    [["--set", "services.movies.replicas=0"], "/services/movies/replicas': minimum: got 0, want 1"],
    [["--set", "postgresql.enabled=false"], "/postgresql"],
    [["--set", "kafka.external.brokers=not a broker"], "/kafka/external/brokers"],
    [["--set", "image.pullPolicy=Sometimes"], "/image/pullPolicy"],
    [["--set", "auth.jwtKeys=k:short"], "/auth/jwtKeys"],
    [["--set", "auth.requireAuth={popcorn}"], "/auth/requireAuth/0"],
    [["--set", "services.movies.role=cinema"], "/services/movies/role"],
  ])("refuses bad values %j with a message naming the value", (args, message) => {
    const run = helm("template", "demo", CHART, ...args);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
  });
});

describe("the chart's secrets", () => {
  const secretData = (objects: K8sObject[], suffix: string) => objects.find((o) => o.kind === "Secret" && o.metadata.name.endsWith(suffix))!.stringData!;

  it("ship none: with default values every secret is generated, differs between installs, and is no placeholder", () => {
    const [first, second] = [render(), render()].map((objects) => secretData(objects, "-secrets"));
    expect(first!["jwt-keys"]).toMatch(/^k\d{6}:[A-Za-z0-9]{48}$/);
    expect(first!["postgres-password"]).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(first!["jwt-keys"]).not.toBe(second!["jwt-keys"]);
    expect(first!["postgres-password"]).not.toBe(second!["postgres-password"]);
    const values = readFileSync(`${CHART}/values.yaml`, "utf8");
    expect(values).not.toMatch(/replace-me|change-me|change-this/);
  });

  it("agree within one render: the migration hook's database URL is the release Secret's", () => {
    const objects = render();
    const main = secretData(objects, "-secrets");
    expect(secretData(objects, "-migrate")["database-url"]).toBe(main["database-url"]);
    expect(main["database-url"]).toContain(`:${main["postgres-password"]}@`);
  });

  it("keep a value given in values", () => {
    const keys = "ops1:Zq8v3WnL0pR6tY2uK9mB4xC7dF1gH5jS";
    expect(secretData(render("--set", `auth.jwtKeys=${keys}`), "-secrets")["jwt-keys"]).toBe(keys);
  });
});

describe("the client address (TRUSTED_PROXY_HOPS)", () => {
  const hopsOf = (objects: K8sObject[]) =>
    Object.fromEntries(
      objects
        .filter((o) => o.kind === "Deployment")
        .map((d) => [d.metadata.name.replace(/^demo-cinemaabyss-/, ""), d.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "TRUSTED_PROXY_HOPS")?.value]),
    );

  it("trusts the ingress controller and the gateway behind an ingress, the ingress alone in the all-in-one", () => {
    expect(hopsOf(render())).toEqual({ gateway: undefined, monolith: "2", movies: "2", events: "2" });
    expect(hopsOf(render("--set", "services.allInOne.enabled=true"))).toMatchObject({ "all-in-one": "1", monolith: "2" });
  });

  it("trusts only the gateway when there is no ingress, and what the values say otherwise", () => {
    expect(hopsOf(render("--set", "ingress.enabled=false"))).toMatchObject({ monolith: "1", gateway: undefined });
    expect(hopsOf(render("--set", "ingress.trustedHops=2"))).toMatchObject({ monolith: "3" });
  });
});

describe("the plain manifests", () => {
  it("are the chart rendered with its default values (run scripts/render-manifests.sh after a chart change)", () => {
    const run = spawnSync("scripts/render-manifests.sh", ["--print"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync("src/kubernetes/manifests/cinemaabyss.yaml", "utf8")).toBe(run.stdout);
  });
});
