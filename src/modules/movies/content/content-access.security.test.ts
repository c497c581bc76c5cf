import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReply } from "../../../testing/expect-reply.ts";
import { readReply } from "../../../testing/reply.ts";
import { startTestRole } from "../../../testing/test-platform.ts";
import { TEST_KEYS } from "../../../testing/test-tokens.ts";
import { TokenReply } from "../../auth/index.ts";
import { User } from "../../users/index.ts";
import type { RunningRole } from "../../../roles/run-role.ts";

// Where the movies route is closed, a movie's content is managed by admins only.
let role: RunningRole;
const PASSWORD = "Plum-Orbit-Quartz-9173";
const tokens: Record<string, string> = {};
const gateway = (path: string) => `http://127.0.0.1:${role.ports.gateway}${path}`;

async function post(path: string, as: string | undefined, body: unknown) {
  return readReply(
    await fetch(gateway(path), {
      method: "POST",
      headers: { "content-type": "application/json", ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

beforeAll(async () => {
  role = await startTestRole("all-in-one", { AUTH_JWT_KEYS: TEST_KEYS, GATEWAY_REQUIRE_AUTH: "movies", AUTH_ADMIN_USERNAMES: "ca_boss" });
  for (const name of ["ca_user", "ca_boss"]) {
    expectReply(await post("/api/auth/register", undefined, { username: name, email: `${name}@content.example`, password: PASSWORD }), 201, User);
    tokens[name] = expectReply(await post("/api/auth/login", undefined, { username: name, password: PASSWORD }), 200, TokenReply).access_token;
  }
});
afterAll(() => role?.stop());

describe("content writes where the movies route is closed", () => {
  const poster = { kind: "poster", content_type: "image/png", size: 1024 };

  it("are refused to a user with 403 and allowed to an admin", async () => {
    const movie = await post("/api/movies", "ca_boss", { title: "Content", description: "d", genres: [], rating: 5 });
    expect(movie.status).toBe(201);
    const path = `/api/movies/${(movie.body as { id: number }).id}/content`;
    expect((await post(path, undefined, poster)).status).toBe(401);
    const refused = await post(path, "ca_user", poster);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("needs the admin role");
    expect((await post(path, "ca_boss", poster)).status).toBe(201);
  });
});
