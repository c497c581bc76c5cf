import type { RouteDefinition } from "../routing/route-table.ts";
import { matchesPrefix } from "../routing/route-table.ts";
import type { Target } from "../targets/target.ts";
import { discardReply, replyText } from "../targets/upstream-reply.ts";

/** The parts of an OpenAPI 3 document the merge reads; the rest of each document is kept as it is. */
interface OpenApiDocument {
  openapi?: string;
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown> };
}

const FETCH_TIMEOUT_MS = 2_000;
const CACHE_MS = 30_000;

async function documentOf(target: Target): Promise<OpenApiDocument | undefined> {
  try {
    const reply = await target.send({
      method: "GET",
      pathAndQuery: "/openapi.json",
      headers: { accept: "application/json" },
      body: null,
      bodyComplete: () => true,
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (reply.status < 200 || reply.status > 299) {
      await discardReply(reply);
      return undefined;
    }
    return JSON.parse(await replyText(reply)) as OpenApiDocument;
  } catch {
    // A target that is away leaves its routes out of the document until it answers again.
    return undefined;
  }
}

/** The gateway's own operations: the legacy health answer, in plain text. */
const gatewayPaths = {
  "/health": {
    get: {
      tags: ["health"],
      summary: "Health of the gateway",
      responses: { 200: { description: "The gateway is up", content: { "text/plain": { schema: { type: "string", enum: ["Strangler Fig Proxy is healthy"] } } } } },
    },
  },
};

/**
 * The OpenAPI document of everything the gateway fronts: each route's paths taken from its legacy
 * target's document (the service serves the same contract), else from its service's, plus the
 * gateway's own. Built on demand and kept for a while, so a deploy shows up without a restart.
 */
export function mergedOpenApi(routes: () => readonly RouteDefinition[], targets: ReadonlyMap<string, Target>) {
  let cached: { at: number; document: Promise<object> } | undefined;
  const build = async (): Promise<object> => {
    const list = routes();
    const names = [...new Set(list.flatMap((r) => [r.legacy, ...(r.service ? [r.service] : [])]))];
    const documents = new Map(await Promise.all(names.map(async (name) => [name, await documentOf(targets.get(name)!)] as const)));
    const paths: Record<string, unknown> = { ...gatewayPaths };
    const schemas: Record<string, unknown> = {};
    for (const route of list) {
      for (const name of [route.legacy, ...(route.service ? [route.service] : [])]) {
        const doc = documents.get(name);
        if (!doc) continue;
        for (const [path, item] of Object.entries(doc.paths ?? {})) {
          if (route.prefixes.some((prefix) => matchesPrefix(prefix, path)) && !(path in paths)) paths[path] = item;
        }
        for (const [schema, body] of Object.entries(doc.components?.schemas ?? {})) schemas[schema] ??= body;
      }
    }
    return {
      openapi: "3.0.3",
      info: { title: "CinemaAbyss gateway", version: "1.0.0", description: "Every route the gateway fronts, merged from its targets' documents." },
      paths,
      components: { schemas },
    };
  };
  return (): Promise<object> => {
    if (!cached || Date.now() - cached.at > CACHE_MS) cached = { at: Date.now(), document: build() };
    return cached.document;
  };
}
