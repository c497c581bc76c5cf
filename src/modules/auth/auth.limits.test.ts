import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE } from "../../adapters/db/database.ts";
import { configuredAccessTokens } from "../../adapters/tokens/configured-access-tokens.ts";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { readReply, type Reply } from "../../testing/reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { startTestPlatform } from "../../testing/test-platform.ts";
import { startTestRole } from "../../testing/test-platform.ts";
import { TEST_KEYS } from "../../testing/test-tokens.ts";
import type { RunningRole } from "../../roles/run-role.ts";
import { User, USERS_API } from "../users/index.ts";
import { TokenReply } from "./auth.contract.ts";
import { AuthService } from "./auth.service.ts";
import { limitsOn } from "./limiter-store.ts";
import { LoginLimiter, RegistrationLimiter } from "./login-limiter.ts";
import { scryptPasswords, type Passwords } from "./password.ts";

const BAD_LOGIN = "username or password is wrong";
const TOO_MANY = "too many login attempts; try again later";
const PASSWORD = "correct horse battery";

const postJson = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  readReply(await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
// What an ingress controller sends: the address it saw, appended to whatever the client claimed.
const fromClient = (n: number) => ({ "x-forwarded-for": `203.0.113.${n}` });

// Windows far longer than any test: a slow machine must not see a count expire halfway.
const LONG_WINDOWS = { AUTH_LOGIN_WINDOW_SECONDS: "86400", AUTH_REGISTER_WINDOW_SECONDS: "86400" };
// One attempt per address keeps the scrypt work small; the default of 20 behaves the same, 20 times over.
const ONE_PER_ADDRESS = { ...LONG_WINDOWS, AUTH_LOGIN_LIMIT_PER_ADDRESS: "1" };
// Every login checks a scrypt hash, which a busy 2-core machine makes slow: a bound, not a timing claim.
const SLOW = 180_000;

/**
 * 22 clients, one failed login each, then the first again: with every client in one bucket (the
 * gateway's address) the second client would already be refused.
 */
async function expectLimitedPerClient(login: (headers: Record<string, string>) => Promise<Reply>): Promise<void> {
  for (let n = 1; n <= 22; n++) expectError(await login(fromClient(n)), 401, "UNAUTHORIZED", BAD_LOGIN);
  expectError(await login(fromClient(1)), 429, "TOO_MANY_REQUESTS", TOO_MANY);
}

// Distinct usernames: the per-username counts must not be what limits here, only the address.
let attempt = 0;
const anyLogin = () => ({ username: `limits_nobody_${attempt++}`, password: "not the password at all" });

describe("the client address behind the gateway (TRUSTED_PROXY_HOPS)", () => {
  it("all-in-one behind an ingress (1 hop): 22 clients get a bucket each", async () => {
    const role = await startTestRole("all-in-one", { AUTH_JWT_KEYS: TEST_KEYS, TRUSTED_PROXY_HOPS: "1", ...ONE_PER_ADDRESS });
    try {
      await expectLimitedPerClient((headers) => postJson(`http://127.0.0.1:${role.ports.gateway}/api/auth/login`, anyLogin(), headers));
    } finally {
      await role.stop();
    }
  }, SLOW);

  describe("split: ingress → gateway → monolith → auth service (2 hops each)", () => {
    const roles: RunningRole[] = [];
    let gateway: string;
    beforeAll(async () => {
      const env = { AUTH_JWT_KEYS: TEST_KEYS, TRUSTED_PROXY_HOPS: "2", ...ONE_PER_ADDRESS };
      const auth = await startTestRole("auth", env);
      roles.push(auth);
      const monolith = await startTestRole("monolith", { ...env, AUTH_SERVICE_URL: `http://127.0.0.1:${auth.ports.auth}` });
      roles.push(monolith);
      const proxy = await startTestRole("proxy", { MONOLITH_URL: `http://127.0.0.1:${monolith.ports.monolith}` });
      roles.push(proxy);
      gateway = `http://127.0.0.1:${proxy.ports.gateway}`;
    });
    afterAll(async () => {
      for (const role of roles.reverse()) await role.stop();
    });

    it("22 clients get a bucket each, at the auth service the monolith relays to", async () => {
      await expectLimitedPerClient((headers) => postJson(`${gateway}/api/auth/login`, anyLogin(), headers));
    }, SLOW);
  });

  it("straight to a service (0 hops, the default) a forged X-Forwarded-For changes nothing", async () => {
    const role = await startTestRole("auth", { AUTH_JWT_KEYS: TEST_KEYS, ...LONG_WINDOWS, AUTH_LOGIN_LIMIT_PER_ADDRESS: "3" });
    try {
      const login = (n: number) => postJson(`http://127.0.0.1:${role.ports.auth}/api/auth/login`, anyLogin(), fromClient(n));
      for (const n of [1, 2, 3]) expectError(await login(n), 401, "UNAUTHORIZED", BAD_LOGIN);
      expectError(await login(4), 429, "TOO_MANY_REQUESTS", TOO_MANY);
    } finally {
      await role.stop();
    }
  }, SLOW);
});

describe("login limits", () => {
  let t: TestApp;
  beforeAll(async () => void (t = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, ...LONG_WINDOWS })));
  afterAll(() => t.close());
  // In process, the last X-Forwarded-For entry is the one our own gateway appended: the client.
  const login = (username: string, password: string, address: string) => t.call("POST", "/api/auth/login", { username, password }, { "x-forwarded-for": address });

  it("does not lock the owner out for an attacker's failures from another address", async () => {
    expectReply(await t.call("POST", "/api/auth/register", { username: "limits_victim", email: "victim@limits.example", password: PASSWORD }), 201, User);
    for (let i = 0; i < 5; i++) expectError(await login("limits_victim", `guess number ${i} here`, "198.51.100.66"), 401, "UNAUTHORIZED", BAD_LOGIN);
    expectError(await login("limits_victim", PASSWORD, "198.51.100.66"), 429, "TOO_MANY_REQUESTS", TOO_MANY);
    expectReply(await login("limits_victim", PASSWORD, "192.0.2.10"), 200, TokenReply);
    expectReply(await login("LIMITS_VICTIM", PASSWORD, "192.0.2.10"), 200, TokenReply);
  }, SLOW);

  it("checks the address before the username: a spent address is refused for every username", async () => {
    const spent = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, ...LONG_WINDOWS, AUTH_LOGIN_LIMIT_PER_ADDRESS: "2" });
    try {
      const attempt = (username: string, address: string) => spent.call("POST", "/api/auth/login", { username, password: "x" }, { "x-forwarded-for": address });
      expectError(await attempt("limits_a", "198.51.100.7"), 401, "UNAUTHORIZED");
      expectError(await attempt("limits_b", "198.51.100.7"), 401, "UNAUTHORIZED");
      expectError(await attempt("limits_c", "198.51.100.7"), 429, "TOO_MANY_REQUESTS");
      // The refused attempt was not counted against limits_c anywhere else.
      for (let i = 0; i < 2; i++) expectError(await attempt("limits_c", `198.51.100.${20 + i}`), 401, "UNAUTHORIZED");
    } finally {
      await spent.close();
    }
  }, SLOW);

  it("a success starts the username's count again", async () => {
    expectReply(await t.call("POST", "/api/auth/register", { username: "limits_typo", email: "typo@limits.example", password: PASSWORD }), 201, User);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expectError(await login("limits_typo", "a wrong one, again", "192.0.2.30"), 401, "UNAUTHORIZED", BAD_LOGIN);
      expectReply(await login("limits_typo", PASSWORD, "192.0.2.30"), 200, TokenReply);
    }
  }, SLOW);
});

describe("registration", () => {
  it("is limited per client address, with Retry-After", async () => {
    const t = await startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS, ...LONG_WINDOWS, AUTH_REGISTER_LIMIT_PER_ADDRESS: "2" });
    try {
      const register = (name: string, address: string) =>
        t.call("POST", "/api/auth/register", { username: name, email: `${name}@limits.example`, password: PASSWORD }, { "x-forwarded-for": address });
      expectReply(await register("reg_one", "198.51.100.9"), 201, User);
      expectError(await register("reg_one", "198.51.100.9"), 409, "CONFLICT");
      const limited = await register("reg_three", "198.51.100.9");
      expectError(limited, 429, "TOO_MANY_REQUESTS", "too many registrations from this address; try again later");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expectReply(await register("reg_three", "198.51.100.10"), 201, User);
    } finally {
      await t.close();
    }
  }, SLOW);

  it("answers 200 concurrent taken-name registrations without hashing a password", async () => {
    const t = await startTestPlatform({ env: { AUTH_JWT_KEYS: TEST_KEYS } });
    try {
      const { container, config } = t.platform;
      let hashes = 0;
      const counting: Passwords = { ...scryptPasswords, hash: (password) => (hashes++, scryptPasswords.hash(password)) };
      const db = container.resolve(DATABASE);
      const limit = limitsOn(db);
      const auth = new AuthService(
        db,
        container.resolve(USERS_API),
        configuredAccessTokens(config.auth),
        new LoginLimiter(config.auth.loginLimit, limit),
        new RegistrationLimiter(config.auth.registerLimit, limit),
        config.auth.refreshTtlSeconds,
        [],
        counting,
      );
      await auth.register({ username: "reg_taken", email: "taken@limits.example", password: PASSWORD }, { address: "192.0.2.1", forwardedFor: undefined });
      expect(hashes).toBe(1);
      const replies = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          auth.register(
            { username: i % 2 ? "reg_taken" : `reg_free_${i}`, email: i % 2 ? `x${i}@limits.example` : "TAKEN@limits.example", password: PASSWORD },
            { address: `10.0.${i >> 8}.${i & 255}`, forwardedFor: undefined },
          ),
        ),
      );
      expect(replies.every((r) => r.status === "rejected" && (r.reason as { code?: string }).code === "CONFLICT")).toBe(true);
      expect(hashes).toBe(1);
    } finally {
      await t.close();
    }
  }, SLOW);
});
