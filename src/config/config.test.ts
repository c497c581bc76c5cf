import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig as loadConfigOf } from "./config.ts";
import { moduleRegistry } from "../modules/registry.ts";

const loadConfig = (env: Record<string, string | undefined>) => loadConfigOf(env, moduleRegistry);

describe("loadConfig", () => {
  it("defaults to the legacy ports and the embedded database", () => {
    const config = loadConfig({});
    expect(config.monolithPort).toBe(8080);
    expect(Object.fromEntries(config.modules.map((m) => [m.module.name, m.port]))).toEqual({ movies: 8081, events: 8082, users: 8083, payments: 8084, auth: 8085 });
    expect(config.bus).toEqual({ kind: "in-process" });
    expect(config.database).toEqual({ kind: "pglite", dataDir: ".data/pglite" });
    expect(config.seedOnStart).toBe(true);
    expect(config.port).toBeUndefined();
    expect(config.listCacheMaxBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig({ LIST_CACHE_MAX_BYTES: "0" }).listCacheMaxBytes).toBe(0);
  });

  it("uses DB_CONNECTION_STRING, or DATABASE_URL as its alias, and then does not seed by default", () => {
    const url = "postgres://u:p@127.0.0.1:5432/cinema";
    expect(loadConfig({ DB_CONNECTION_STRING: url }).database).toEqual({ kind: "postgres", url, poolMax: 10, connectRetries: 5 });
    expect(loadConfig({ DATABASE_URL: url }).database).toMatchObject({ kind: "postgres", url });
    expect(loadConfig({ DATABASE_URL: url }).seedOnStart).toBe(false);
    expect(loadConfig({ DATABASE_URL: url, SEED_ON_START: "true" }).seedOnStart).toBe(true);
  });

  it("prefers DB_CONNECTION_STRING over DATABASE_URL", () => {
    const config = loadConfig({
      DB_CONNECTION_STRING: "postgres://a@127.0.0.1/one",
      DATABASE_URL: "postgres://b@127.0.0.1/two",
    });
    expect(config.database).toMatchObject({ url: "postgres://a@127.0.0.1/one" });
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ PORT: "", DB_CONNECTION_STRING: "  " }).database.kind).toBe("pglite");
  });

  it("is frozen", () => {
    const config = loadConfig({ PORT: "9000" });
    expect(config.port).toBe(9000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ["PORT", "eighty", "PORT: must be a port number"],
    ["PORT", "70000", "PORT: must be between 0 and 65535"],
    ["MONOLITH_PORT", "80.5", "MONOLITH_PORT: must be a whole number"],
    ["DB_CONNECTION_STRING", "mysql://x", "DB_CONNECTION_STRING: must be a postgres:// or postgresql:// URL"],
    ["SEED_ON_START", "maybe", "SEED_ON_START: must be true or false"],
    ["DB_POOL_MAX", "0", "DB_POOL_MAX: must be a positive whole number"],
    ["LIST_CACHE_MAX_BYTES", "-1", "LIST_CACHE_MAX_BYTES: must be a whole number of bytes from 0 (no cache) to 4294967296"],
    ["LIST_CACHE_MAX_BYTES", "64MB", "LIST_CACHE_MAX_BYTES: must be a whole number of bytes from 0 (no cache) to 4294967296"],
    ["MOVIES_MIGRATION_PERCENT", "101", "MOVIES_MIGRATION_PERCENT: must be a whole number from 0 to 100"],
    ["MOVIES_MIGRATION_PERCENT", "12.5", "MOVIES_MIGRATION_PERCENT: must be a whole number from 0 to 100"],
    ["MOVIES_MIGRATION_PERCENT", "-1", "MOVIES_MIGRATION_PERCENT: must be a whole number from 0 to 100"],
    ["MONOLITH_URL", "monolith:8080", "MONOLITH_URL: must be an http:// or https:// URL"],
    ["MOVIES_SERVICE_URL", "ftp://movies", "MOVIES_SERVICE_URL: must be an http:// or https:// URL"],
    ["GRADUAL_MIGRATION", "sometimes", "GRADUAL_MIGRATION: must be true or false"],
    ["KAFKA_BROKERS", "kafka", "KAFKA_BROKERS: must be a comma list of host:port"],
    ["AUTH_JWT_KEYS", "k1:tooshort", "AUTH_JWT_KEYS: must be a comma list of kid:secret"],
    ["AUTH_JWT_KEYS", "no-key-id-just-a-long-secret-0123456789", "AUTH_JWT_KEYS: must be a comma list of kid:secret"],
    ["AUTH_JWT_KEYS", `k1:${"s0T9".repeat(8)},k1:${"t1U8".repeat(8)}`, "AUTH_JWT_KEYS: must be a comma list of kid:secret with distinct key ids"],
    ["GATEWAY_REQUIRE_AUTH", "movies;users", "GATEWAY_REQUIRE_AUTH: must be `all` or a comma list"],
    ["ADMIN_TOKEN", "short", "ADMIN_TOKEN: must be at least 16 characters"],
    ["ADMIN_TOKEN", "change-me-to-something-long", "ADMIN_TOKEN: is a placeholder"],
    ["AUTH_JWT_KEYS", "replace-me:change-this-signing-secret-to-32-or-more-characters", "AUTH_JWT_KEYS: holds a placeholder secret"],
    ["AUTH_JWT_KEYS", `k1:${"a".repeat(40)}`, "AUTH_JWT_KEYS: holds a placeholder secret"],
    ["TRUSTED_PROXY_HOPS", "-1", "TRUSTED_PROXY_HOPS: must be a whole number from 0 to 10"],
    ["TRUSTED_PROXY_HOPS", "1.5", "TRUSTED_PROXY_HOPS: must be a whole number from 0 to 10"],
    ["TRUSTED_PROXY_HOPS", "all", "TRUSTED_PROXY_HOPS: must be a whole number from 0 to 10"],
    ["KAFKA_LINGER_MS", "-1", "KAFKA_LINGER_MS: must be a whole number of milliseconds from 0 (no wait) to 1000"],
    ["KAFKA_LINGER_MS", "1001", "KAFKA_LINGER_MS: must be a whole number of milliseconds from 0 (no wait) to 1000"],
    ["AUTH_LOGIN_LIMIT_PER_ACCOUNT", "0", "AUTH_LOGIN_LIMIT_PER_ACCOUNT: must be a positive whole number"],
    ["AUTH_REGISTER_LIMIT_PER_ADDRESS", "ten", "AUTH_REGISTER_LIMIT_PER_ADDRESS: must be a positive whole number"],
  ])("rejects %s=%s naming the variable and what it allows", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("names every bad variable at once", () => {
    expect(() => loadConfig({ PORT: "x", LOG_LEVEL: "loud" })).toThrow(/PORT: .*\n.*LOG_LEVEL/s);
  });

  it("reads AUTH_JWT_KEYS in order, the first one signing; a secret may hold ':'", () => {
    const secret = "colon:in-the-secret-0123456789-abcdefghij";
    expect(loadConfig({ AUTH_JWT_KEYS: ` new:${secret} , old:${"o2P7".repeat(8)}` }).auth.keys).toEqual([
      { kid: "new", secret },
      { kid: "old", secret: "o2P7".repeat(8) },
    ]);
  });

  it("uses Kafka when KAFKA_BROKERS is set", () => {
    expect(loadConfig({ KAFKA_BROKERS: "kafka:9092, 127.0.0.1:19092" }).bus).toEqual({
      kind: "kafka",
      brokers: ["kafka:9092", "127.0.0.1:19092"],
      partitions: 3,
      publishTimeoutMs: 3000,
      lingerMs: 0,
    });
  });

  it("reads the legacy gateway variables", () => {
    const { gateway } = loadConfig({
      MONOLITH_URL: "http://monolith:8080/",
      MOVIES_SERVICE_URL: "http://movies-service:8081",
      GRADUAL_MIGRATION: "true",
      MOVIES_MIGRATION_PERCENT: "30",
    });
    expect(gateway.monolithUrl).toBe("http://monolith:8080");
    const route = (name: string, config = { gateway }) => config.gateway.routes.find((r) => r.name === name);
    expect(route("movies")).toMatchObject({ prefixes: ["/api/movies"], serviceUrl: "http://movies-service:8081", percent: 30, gradual: true, inMonolith: true });
    expect(route("users")).toMatchObject({ serviceUrl: undefined, percent: 0, gradual: true });
    expect(route("events")).toMatchObject({ inMonolith: false, localUrl: "http://127.0.0.1:8082" });
    expect(route("movies", loadConfig({ GRADUAL_MIGRATION: "false" }))?.gradual).toBe(false);
    expect(loadConfig({}).gateway.port).toBe(8000);
  });

  it("derives every module's variables from the registry, legacy names kept", () => {
    const config = loadConfig({ USERS_SERVICE_URL: "http://users:8083", USERS_PORT: "9083", AUTH_MIGRATION_PERCENT: "20" });
    const users = config.modules.find((m) => m.module.name === "users");
    expect(users).toMatchObject({ port: 9083, serviceUrl: "http://users:8083", percent: 0 });
    expect(config.modules.find((m) => m.module.name === "auth")?.percent).toBe(20);
  });

  it.each([
    ["SUBSCRIPTIONS_SERVICE_URL", "http://subs:1", "SUBSCRIPTIONS_SERVICE_URL: subscriptions is part of the payments module: set PAYMENTS_SERVICE_URL"],
    ["SUBSCRIPTIONS_MIGRATION_PERCENT", "10", "SUBSCRIPTIONS_MIGRATION_PERCENT: subscriptions is part of the payments module: set PAYMENTS_MIGRATION_PERCENT"],
    ["EVENTS_MIGRATION_PERCENT", "10", "EVENTS_MIGRATION_PERCENT: events never lived in the monolith"],
  ])("refuses %s: a setting that would let a module's parts disagree", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("routes /api/subscriptions with payments: PAYMENTS_SERVICE_URL alone moves both, in the monolith and at the gateway", () => {
    const config = loadConfig({ PAYMENTS_SERVICE_URL: "http://payments:8084" });
    const payments = config.gateway.routes.find((r) => r.name === "payments");
    expect(payments).toMatchObject({ prefixes: ["/api/payments", "/api/subscriptions"], serviceUrl: "http://payments:8084" });
    expect(config.gateway.routes.some((r) => r.name === "subscriptions")).toBe(false);
  });

  it("refuses a route name GATEWAY_REQUIRE_AUTH does not know, which would leave that route open", () => {
    expect(() => loadConfig({ GATEWAY_REQUIRE_AUTH: "movies,paymnets" })).toThrow("GATEWAY_REQUIRE_AUTH: unknown route 'paymnets'; routes: all, users, movies, payments, events");
    expect(loadConfig({ GATEWAY_REQUIRE_AUTH: "movies, payments" }).auth.requireAuth).toEqual(["movies", "payments"]);
  });

  it("closes every route but auth for `all`, and refuses to close auth, which hands out the tokens", () => {
    expect(loadConfig({ GATEWAY_REQUIRE_AUTH: "all" }).auth.requireAuth).toEqual(["users", "movies", "payments", "events"]);
    expect(() => loadConfig({ GATEWAY_REQUIRE_AUTH: "users,auth" })).toThrow("GATEWAY_REQUIRE_AUTH: route 'auth' hands out tokens and cannot require one");
  });

  it("reads AUTH_ADMIN_USERNAMES as a lower-case list", () => {
    expect(loadConfig({ AUTH_ADMIN_USERNAMES: " Boss, ops ," }).auth.adminUsernames).toEqual(["boss", "ops"]);
    expect(loadConfig({}).auth.adminUsernames).toEqual([]);
  });
});
