import { afterAll, beforeAll, describe, it } from "vitest";
import { moduleApp } from "../../roles/apps.ts";
import { expectError } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { eventsModule } from "./events.module.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp((p) => moduleApp(p, eventsModule))), 60_000);
afterAll(() => t.close());

const movie = { movie_id: 1, title: "Inception", action: "viewed" };
const user = { user_id: 1, action: "logged_in", timestamp: "2023-01-15T14:30:00Z" };
const payment = { payment_id: 1, user_id: 1, amount: 9.99, status: "completed", timestamp: "2023-01-15T14:30:00Z" };

// Events are not stored in a table, but they are text for every consumer downstream: one rule for all text.
describe("POST /api/events/{type} with text no other endpoint would take", () => {
  it.each([
    ["movie", { ...movie, title: "Incep\u0000tion" }, "title: must not contain the NUL character (U+0000)"],
    ["movie", { ...movie, genres: ["\u0000"] }, "genres.0: must not contain the NUL character (U+0000)"],
    ["movie", { ...movie, action: "\t " }, "action: must not be empty"],
    ["user", { ...user, username: "ann\ud800" }, "username: must be valid Unicode (no unpaired surrogate)"],
    ["payment", { ...payment, method_type: "card\u0000" }, "method_type: must not contain the NUL character (U+0000)"],
  ])("answers 400 for a %s event with %j", async (type, body, message) => {
    expectError(await t.call("POST", `/api/events/${type}`, body), 400, "INVALID_INPUT", message);
  });
});
