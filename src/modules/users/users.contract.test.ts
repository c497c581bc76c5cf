import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../contracts/app-error.ts";
import { implementationsOf } from "../../testing/port-implementations.ts";
import { USERS_API, UsersClient, type UsersApi } from "./index.ts";

// One suite, both implementations: the in-process service and the remote client over real HTTP.
const implementations = implementationsOf(USERS_API, "users", "users", (http) => new UsersClient(http));

describe.each(implementations)("UsersApi (%s)", (_name, start) => {
  let api: UsersApi;
  let close: () => Promise<void>;
  beforeAll(async () => ({ api, close } = await start()));
  afterAll(() => close());

  it("creates a user and reads it back by id", async () => {
    const created = await api.create({ username: "contract_ann", email: "ann@contract.example" });
    expect(created).toEqual({ id: expect.any(Number), username: "contract_ann", email: "ann@contract.example" });
    expect(await api.get(created.id)).toEqual(created);
    expect(await api.exists(created.id)).toBe(true);
  });

  it("finds a user by username or email whatever its case, and nobody by a name nobody has", async () => {
    const created = await api.create({ username: "contract_find", email: "Find@Contract.example" });
    expect(await api.findByLogin("CONTRACT_FIND")).toEqual(created);
    expect(await api.findByLogin("find@contract.example")).toEqual(created);
    expect(await api.findByLogin("contract_nobody")).toBeUndefined();
  });

  it("throws NOT_FOUND for an id nobody has, and exists() says false", async () => {
    await expect(api.get(987_654)).rejects.toMatchObject({ code: "NOT_FOUND", message: "user 987654 not found" });
    await expect(api.get(987_654)).rejects.toBeInstanceOf(AppError);
    expect(await api.exists(987_654)).toBe(false);
  });

  it("refuses a taken username or email whatever its case, naming which", async () => {
    await api.create({ username: "contract_bob", email: "bob@contract.example" });
    await expect(api.create({ username: "CONTRACT_BOB", email: "other@contract.example" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "username 'CONTRACT_BOB' is already taken",
    });
    await expect(api.create({ username: "contract_bob2", email: "BOB@contract.example" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "email 'BOB@contract.example' is already registered",
    });
  });

  it("lists in id order and pages with limit and offset", async () => {
    for (const n of [1, 2, 3]) await api.create({ username: `contract_page${n}`, email: `page${n}@contract.example` });
    const all = await api.list({});
    expect(all.map((u) => u.id)).toEqual([...all.map((u) => u.id)].sort((a, b) => a - b));
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(await api.list({ limit: 2 })).toEqual(all.slice(0, 2));
    expect(await api.list({ limit: 2, offset: 3 })).toEqual(all.slice(3, 5));
    expect(await api.list({ offset: all.length })).toEqual([]);
  });
});
