import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../contracts/app-error.ts";
import { implementationsOf } from "../../testing/port-implementations.ts";
import { AUTH_API, AuthClient, type AuthApi } from "./index.ts";

const client = { address: "192.0.2.1", forwardedFor: "192.0.2.1" };
const nobody = { address: undefined, forwardedFor: undefined };

describe.each(implementationsOf(AUTH_API, "auth", "auth", (http) => new AuthClient(http)))("AuthApi (%s)", (_name, start) => {
  let api: AuthApi;
  let close: () => Promise<void>;
  beforeAll(async () => ({ api, close } = await start()));
  afterAll(() => close());

  it("registers, logs in, answers me, refreshes and logs out", async () => {
    const user = await api.register({ username: "contract_auth", email: "auth@contract.example", password: "a long enough password" }, client);
    const tokens = await api.login({ username: "contract_auth", password: "a long enough password" }, client);
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    expect(await api.me(tokens.access_token)).toEqual(user);
    const rotated = await api.refresh({ refresh_token: tokens.refresh_token });
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    await api.logout({ refresh_token: rotated.refresh_token });
    await expect(api.refresh({ refresh_token: rotated.refresh_token })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("throws the same UNAUTHORIZED for a bad login and a bad token", async () => {
    const failure = await api.login({ username: "contract_nobody", password: "whatever it is" }, nobody).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "UNAUTHORIZED", message: "username or password is wrong" });
    await expect(api.me("not-a-token")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("throws CONFLICT for a taken username, and for a taken email without saying it is one", async () => {
    await api.register({ username: "contract_taken", email: "taken@contract.example", password: "a long enough password" }, client);
    await expect(api.register({ username: "contract_taken", email: "t2@contract.example", password: "a long enough password" }, client)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "username 'contract_taken' is already taken",
    });
    await expect(api.register({ username: "contract_other", email: "TAKEN@contract.example", password: "a long enough password" }, client)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "username or email is already registered; choose another username, or log in if the account is yours",
    });
  });

  it("throws INVALID_INPUT for a common password, naming the rule", async () => {
    await expect(api.register({ username: "contract_weak", email: "weak@contract.example", password: "password123" }, client)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("password: is too easy to guess"),
    });
  });
});
