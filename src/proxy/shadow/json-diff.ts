/** One difference between two replies: where (`status`, `header:<name>`, a JSON path such as `$.items[*].title`) and both values. */
export interface Difference {
  path: string;
  legacy: unknown;
  service: unknown;
}

/** What a shadow comparison needs of one reply. */
export interface ComparedReply {
  status: number;
  headers: Headers;
  /** The body as text; undefined for a HEAD. */
  body: string | undefined;
}

const MAX_DIFFERENCES = 50;

function parsedJson(text: string | undefined): { json: true; value: unknown } | { json: false } {
  if (text === undefined || text === "") return { json: false };
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false };
  }
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Structural differences of two JSON values, per path: objects by key, arrays in order (a length
 * change is `path.length`), numbers by value. Array indices are written `[*]` so that one field
 * differing in every element is one path, as a report wants it.
 */
export function jsonDifferences(legacy: unknown, service: unknown, path = "$", out: Difference[] = []): Difference[] {
  if (out.length >= MAX_DIFFERENCES) return out;
  const [a, b] = [kind(legacy), kind(service)];
  if (a !== b) {
    out.push({ path, legacy, service });
  } else if (a === "array") {
    const [la, lb] = [legacy as unknown[], service as unknown[]];
    if (la.length !== lb.length) out.push({ path: `${path}.length`, legacy: la.length, service: lb.length });
    for (let i = 0; i < Math.min(la.length, lb.length); i++) jsonDifferences(la[i], lb[i], `${path}[*]`, out);
  } else if (a === "object") {
    const [oa, ob] = [legacy as Record<string, unknown>, service as Record<string, unknown>];
    for (const key of new Set([...Object.keys(oa), ...Object.keys(ob)])) {
      const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in oa) || !(key in ob)) out.push({ path: child, legacy: oa[key], service: ob[key] });
      else jsonDifferences(oa[key], ob[key], child, out);
    }
  } else if (legacy !== service) {
    out.push({ path, legacy, service });
  }
  return out;
}

/** Whether a path is one of the ignored patterns (`*` stands for any run of characters). */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern === path) return true;
  const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(path) || path.startsWith(`${pattern}.`) || path.startsWith(`${pattern}[`);
}

/** The differences of two replies: status, the named headers, and the bodies (structurally when both are JSON). */
export function replyDifferences(legacy: ComparedReply, service: ComparedReply, compareHeaders: readonly string[], ignorePaths: readonly string[]): Difference[] {
  const out: Difference[] = [];
  if (legacy.status !== service.status) out.push({ path: "status", legacy: legacy.status, service: service.status });
  for (const name of compareHeaders) {
    const [a, b] = [legacy.headers.get(name), service.headers.get(name)];
    if (a !== b) out.push({ path: `header:${name}`, legacy: a, service: b });
  }
  const [ja, jb] = [parsedJson(legacy.body), parsedJson(service.body)];
  if (ja.json && jb.json) jsonDifferences(ja.value, jb.value, "$", out);
  else if (legacy.body !== service.body) out.push({ path: "$body", legacy: legacy.body, service: service.body });
  return out.filter((d) => !ignorePaths.some((p) => pathMatches(p, d.path)));
}
