import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

// What each pod of the rendered chart may send and receive, worked out from its NetworkPolicies the
// way Kubernetes does: a pod is isolated by any policy that selects it, then allowed the union of
// their rules. Needs helm: `npm run test:chart`.
const CHART = "src/kubernetes/helm/cinemaabyss";

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port: number; protocol?: string }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Labels; annotations?: Record<string, string> };
  spec?: any;
}

function render(...args: string[]): K8sObject[] {
  const run = spawnSync("scripts/helm.sh", ["template", "demo", CHART, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(run.stderr);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function selects(selector: Selector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === "In") return values.includes(labels[key]!);
    if (operator === "NotIn") return !(key in labels) || !values.includes(labels[key]!);
    if (operator === "Exists") return key in labels;
    return !(key in labels);
  });
  return byLabels && byExpressions;
}

/** The pod labels of every workload, by the workload's name without the release prefix. */
function pods(objects: K8sObject[]): Record<string, Labels> {
  return Object.fromEntries(
    objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind)).map((o) => [o.metadata.name.replace(/^demo-cinemaabyss-/, ""), o.spec.template.metadata.labels]),
  );
}

/** A readable list of what a pod may do in one direction: "port/protocol <- peer" entries. */
function allowed(objects: K8sObject[], podLabels: Labels, direction: "Ingress" | "Egress"): string[] {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && o.spec.policyTypes.includes(direction) && selects(o.spec.podSelector, podLabels));
  expect(policies.length, "every pod is isolated by some policy").toBeGreaterThan(0);
  const rules: Rule[] = policies.flatMap((p) => (direction === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []);
  const all = objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind));
  const describe = (peer: Peer): string => {
    if (peer.ipBlock) return `ip:${peer.ipBlock.cidr}`;
    if (peer.namespaceSelector) {
      const ns = peer.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"] ?? "*";
      return peer.podSelector ? `ns:${ns}/${Object.values(peer.podSelector.matchLabels ?? {}).join(",")}` : `ns:${ns}`;
    }
    const matched = all.filter((w) => selects(peer.podSelector!, w.spec.template.metadata.labels)).map((w) => w.metadata.name.replace(/^demo-cinemaabyss-/, ""));
    return `pods:${matched.sort().join(",")}`;
  };
  return rules.flatMap((rule) => {
    const peers = (direction === "Ingress" ? rule.from : rule.to)?.map(describe) ?? ["anywhere"];
    const ports = rule.ports?.map((p) => `${p.port}/${p.protocol ?? "TCP"}`) ?? ["any"];
    return ports.flatMap((port) => peers.map((peer) => `${port} ${direction === "Ingress" ? "<-" : "->"} ${peer}`));
  });
}

const ports = (entries: string[]) => [...new Set(entries.map((e) => e.split(" ")[0]))].sort();

describe("the chart's NetworkPolicies", () => {
  const objects = render();
  const pod = pods(objects);

  it("isolate every pod both ways: nothing goes in or out unless a rule names it", () => {
    const deny = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name.endsWith("-default-deny"))!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { "app.kubernetes.io/instance": "demo" } }, policyTypes: ["Ingress", "Egress"] });
    expect(Object.keys(pod).sort()).toEqual(["events", "gateway", "kafka", "migrate", "monolith", "movies", "postgresql"]);
  });

  it("let the gateway in from the ingress controller's namespace only, on its public port", () => {
    const ingress = allowed(objects, pod.gateway!, "Ingress");
    expect(ingress.filter((e) => e.startsWith("8000/"))).toEqual(["8000/TCP <- ns:ingress-nginx"]);
    const moved = allowed(render("--set", "networkPolicy.ingressNamespace=edge-system"), pod.gateway!, "Ingress");
    expect(moved.filter((e) => e.startsWith("8000/"))).toEqual(["8000/TCP <- ns:edge-system"]);
  });

  it("let every role's admin port in from the monitoring namespace only, never from the ingress controller", () => {
    for (const name of ["gateway", "monolith", "movies", "events"]) {
      const admin = allowed(objects, pod[name]!, "Ingress").filter((e) => e.startsWith("9901/"));
      expect(admin, name).toEqual(["9901/TCP <- ns:monitoring"]);
    }
    const anyNamespace = allowed(render("--set", "networkPolicy.monitoringNamespace="), pod.monolith!, "Ingress").filter((e) => e.startsWith("9901/"));
    expect(anyNamespace).toEqual(["9901/TCP <- ns:*"]);
  });

  it("let the gateway out to DNS and the roles it proxies to, and nowhere near PostgreSQL or Kafka", () => {
    const egress = allowed(objects, pod.gateway!, "Egress");
    expect(ports(egress)).toEqual(["53/TCP", "53/UDP", "8080/TCP", "8081/TCP", "8082/TCP"]);
    expect(egress).toContain("53/UDP -> ns:kube-system/kube-dns");
    expect(egress).toContain("8081/TCP -> pods:events,gateway,migrate,monolith,movies");
  });

  it("let the roles that hold a database out to PostgreSQL and Kafka pods, DNS and the other roles", () => {
    for (const name of ["monolith", "movies", "events"]) {
      const egress = allowed(objects, pod[name]!, "Egress");
      expect(egress, name).toEqual(expect.arrayContaining(["5432/TCP -> pods:postgresql", "9092/TCP -> pods:kafka", "53/TCP -> ns:kube-system/kube-dns"]));
      expect(ports(egress), name).toEqual(["53/TCP", "53/UDP", "5432/TCP", "8080/TCP", "8081/TCP", "8082/TCP", "9092/TCP"]);
    }
    expect(allowed(objects, pod.migrate!, "Egress")).toContain("5432/TCP -> pods:postgresql");
  });

  it("let PostgreSQL and Kafka in from those roles only, and out to DNS only", () => {
    for (const name of ["postgresql", "kafka"]) {
      const ingress = allowed(objects, pod[name]!, "Ingress");
      expect(ingress, name).toContain("5432/TCP <- pods:events,migrate,monolith,movies");
      expect(ingress.join("\n"), name).not.toContain("gateway");
      expect(ports(allowed(objects, pod[name]!, "Egress")), name).toEqual(["53/TCP", "53/UDP"]);
    }
  });

  it("reach an external database through the configured egress rules instead of in-chart pods", () => {
    const external = render("--set", "postgresql.enabled=false,kafka.enabled=false", "--set", "postgresql.external.url=postgres://u:p@db.internal:5432/c", "--set", "kafka.external.brokers=k.internal:9092", "-f", "src/kubernetes/helm/values/monitoring.yaml");
    const egress = allowed(external, pods(external).monolith!, "Egress");
    expect(egress).toContain("5432/TCP -> ip:10.20.0.0/16");
    expect(egress.join("\n")).not.toContain("pods:postgresql");
  });
});

describe("the chart's metrics", () => {
  it("annotates every role's pods for a Prometheus scrape of the admin port", () => {
    const deployments = render("-f", "src/kubernetes/helm/values/split-finished.yaml").filter((o) => o.kind === "Deployment");
    expect(deployments.length).toBe(7);
    for (const d of deployments) {
      expect(d.spec.template.metadata.annotations, d.metadata.name).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9901", "prometheus.io/path": "/metrics" });
    }
    expect(render("--set", "metrics.scrapeAnnotations=false").filter((o) => o.kind === "Deployment").every((d) => !d.spec.template.metadata.annotations)).toBe(true);
  });

  it("renders a ServiceMonitor only when asked, selecting every role's Service by its admin port", () => {
    expect(render().filter((o) => o.kind === "ServiceMonitor")).toEqual([]);
    const objects = render("-f", "src/kubernetes/helm/values/monitoring.yaml");
    const [monitor, ...more] = objects.filter((o) => o.kind === "ServiceMonitor");
    expect(more).toEqual([]);
    expect(monitor!.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
    expect(monitor!.spec.endpoints).toEqual([{ port: "http-admin", path: "/metrics", interval: "15s", scrapeTimeout: "10s" }]);
    const selected = objects.filter((o) => o.kind === "Service" && selects(monitor!.spec.selector, o.metadata.labels ?? {}));
    expect(selected.map((s) => s.metadata.name).sort()).toEqual(["demo-cinemaabyss-events", "demo-cinemaabyss-gateway", "demo-cinemaabyss-monolith", "demo-cinemaabyss-movies"]);
    for (const service of selected) expect(service.spec.ports).toContainEqual({ name: "http-admin", port: 9901, targetPort: 9901 });
    const ingressPorts = objects.filter((o) => o.kind === "Ingress").flatMap((o) => o.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.port.number)));
    expect(ingressPorts).not.toContain(9901);
  });
});
