import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { DependencyContainer, InjectionToken } from "tsyringe";
import { afterEach, describe, expect, it } from "vitest";
import { createRouter } from "../adapters/http-server/create-app.ts";
import { jsonReply } from "../adapters/http-server/docs/openapi-shapes.ts";
import { startTestPlatform, startTestRole } from "../testing/test-platform.ts";
import type { RunningRole } from "../roles/run-role.ts";
import { checkRegistry, type ModuleDescriptor } from "./module-descriptor.ts";
import { moduleRegistry } from "./registry.ts";
import { sql } from "drizzle-orm";
import { DATABASE } from "../adapters/db/database.ts";

// A throw-away module, declared here and nowhere else: if the registry is really the only list,
// adding this one entry must make it served, placed, routed and configurable with no other edit.
const Instance = z.object({ instance: z.string() });
interface ReviewsApi {
  /** Which service instance answered: tells an in-process call from a remote one. */
  whoAnswers(): Promise<z.infer<typeof Instance>>;
}
const REVIEWS_API: InjectionToken<ReviewsApi> = Symbol("ReviewsApi");
const reviewsModule: ModuleDescriptor = {
  name: "reviews",
  title: "CinemaAbyss reviews service",
  routePrefixes: ["/api/reviews"],
  defaultPort: 8099,
  healthPath: "/api/reviews/health",
  inMonolith: true,
  schema: "reviews",
  ports: [
    {
      token: REVIEWS_API,
      inProcess: () => {
        const instance = randomUUID();
        return { whoAnswers: async () => ({ instance }) };
      },
      remote: (http) => ({ whoAnswers: () => http.call("GET", "/api/reviews", Instance) }),
    },
  ],
  routes: (c: DependencyContainer) =>
    createRouter().openapi(
      createRoute({ method: "get", path: "/api/reviews", responses: { 200: jsonReply("Who answered", Instance) } }),
      async (context) => {
        const reviews: ReviewsApi = c.resolve(REVIEWS_API);
        return context.json(await reviews.whoAnswers(), 200);
      },
    ),
};
const withReviews = [...moduleRegistry, reviewsModule];

const running: RunningRole[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});
async function start(role: string, env: Record<string, string> = {}) {
  const r = await startTestRole(role, env, withReviews);
  running.push(r);
  return r;
}
const get = async (base: string, path: string) => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, servedBy: res.headers.get("x-served-by"), body: (await res.json()) as unknown };
};
const at = (r: RunningRole, listener: string) => `http://127.0.0.1:${r.ports[listener]}`;

describe("a module added to the registry and nowhere else", () => {
  it("is served by the all-in-one on its own port and in the monolith, with its health and OpenAPI", async () => {
    const r = await start("all-in-one");
    expect(Object.keys(r.ports)).toContain("reviews");
    for (const listener of ["reviews", "monolith"]) {
      expect(Instance.parse((await get(at(r, listener), "/api/reviews")).body)).toBeDefined();
      expect(await get(at(r, listener), "/api/reviews/health")).toMatchObject({ status: 200, body: { status: true } });
    }
    const doc = (await get(at(r, "reviews"), "/openapi.json")).body as { info: { title: string }; paths: Record<string, unknown> };
    expect(doc.info.title).toBe("CinemaAbyss reviews service");
    expect(Object.keys(doc.paths)).toContain("/api/reviews");
  });

  it("is routed by the gateway, and REVIEWS_MIGRATION_PERCENT shifts it to its service", async () => {
    expect((await get(at(await start("all-in-one"), "gateway"), "/api/reviews")).servedBy).toBe("monolith");
    const shifted = await start("all-in-one", { REVIEWS_MIGRATION_PERCENT: "100" });
    expect((await get(at(shifted, "gateway"), "/api/reviews")).servedBy).toBe("reviews-service");
  });

  it("runs as a role of its own, and REVIEWS_SERVICE_URL places its port there for the monolith and the gateway", async () => {
    const service = await start("reviews");
    const serviceUrl = at(service, "reviews");
    const own = Instance.parse((await get(serviceUrl, "/api/reviews")).body);

    const monolith = await start("monolith", { REVIEWS_SERVICE_URL: serviceUrl });
    expect(monolith.platform!.placement.reviews).toBe(serviceUrl);
    expect(monolith.platform!.placement.movies).toBe("in-process");
    // The monolith's route called its port, and the port was the remote client of that service.
    expect(Instance.parse((await get(at(monolith, "monolith"), "/api/reviews")).body)).toEqual(own);

    const gateway = await start("proxy", { MONOLITH_URL: at(monolith, "monolith"), REVIEWS_SERVICE_URL: serviceUrl, REVIEWS_MIGRATION_PERCENT: "100" });
    const viaGateway = await get(at(gateway, "gateway"), "/api/reviews");
    expect(viaGateway).toMatchObject({ status: 200, servedBy: "reviews-service", body: own });
  });
});

describe("the module registry", () => {
  it("refuses collisions: a name twice, a role's name, a prefix owned twice", () => {
    expect(() => checkRegistry([...moduleRegistry, moduleRegistry[0]!])).toThrow("registered twice");
    expect(() => checkRegistry([{ ...reviewsModule, name: "proxy" }])).toThrow("is a role or command");
    expect(() => checkRegistry([reviewsModule, { ...reviewsModule, name: "critics" }])).toThrow("belongs to both 'reviews' and 'critics'");
  });

  it("refuses edge routes in a module that serves inside the async request context: its edge would not", () => {
    const edged = { ...reviewsModule, edgeRoutes: () => [] };
    expect(() => checkRegistry([edged])).toThrow("module 'reviews': edge routes run outside the async request context");
    expect(() => checkRegistry([{ ...edged, asyncRequestContext: false }])).not.toThrow();
  });

  it("names, for every module, a schema that its migrations create", async () => {
    const t = await startTestPlatform();
    try {
      const rows = await t.platform.container.resolve(DATABASE).execute(sql`select schema_name from information_schema.schemata`);
      const schemas = (rows as unknown as { rows: { schema_name: string }[] }).rows.map((r) => r.schema_name);
      expect(schemas).toEqual(expect.arrayContaining(moduleRegistry.map((m) => m.schema)));
    } finally {
      await t.close();
    }
  });
});
