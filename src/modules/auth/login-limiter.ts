import type { LoginLimits, RegisterLimits } from "../../config/auth-config.ts";
import type { Limit, LimitRule } from "./limiter-store.ts";

const TOO_MANY_LOGINS = "too many login attempts; try again later";
// Stands for "no address" in keys: only an in-process call without X-Forwarded-For has none.
const NO_ADDRESS = "-";

/**
 * Login attempts, in fixed windows. The address is checked first, so a client past its limit costs
 * no lookup and no hash. The per-username counts are per username *and* address, so an attacker's
 * failures from elsewhere never lock the owner out; only the account-wide ceiling, which takes many
 * addresses within one window, does, and only for that window. A success clears both username counts.
 */
export class LoginLimiter {
  private readonly byAddress: Limit;
  private readonly byUserAndAddress: Limit;
  private readonly byAccount: Limit;

  constructor(limits: LoginLimits, limit: (rule: LimitRule) => Limit) {
    const windowSeconds = limits.windowSeconds;
    this.byAddress = limit({ name: "login-address", points: limits.perAddress, windowSeconds });
    this.byUserAndAddress = limit({ name: "login-user-address", points: limits.perUser, windowSeconds });
    this.byAccount = limit({ name: "login-account", points: limits.perAccount, windowSeconds });
  }

  /** Counts one attempt; throws TOO_MANY_REQUESTS with Retry-After once a limit is spent. */
  async attempt(username: string, address: string | undefined): Promise<void> {
    const user = username.trim().toLowerCase();
    if (address) await this.byAddress.consume([address], TOO_MANY_LOGINS);
    await this.byUserAndAddress.consume([user, address ?? NO_ADDRESS], TOO_MANY_LOGINS);
    await this.byAccount.consume([user], TOO_MANY_LOGINS);
  }

  /** The password was right: this user's counts start again (the address's does not). */
  async succeeded(username: string, address: string | undefined): Promise<void> {
    const user = username.trim().toLowerCase();
    await Promise.all([this.byUserAndAddress.reset([user, address ?? NO_ADDRESS]), this.byAccount.reset([user])]);
  }
}

/** Registrations per client address, in fixed windows: every attempt counts, taken names included. */
export class RegistrationLimiter {
  private readonly byAddress: Limit;

  constructor(limits: RegisterLimits, limit: (rule: LimitRule) => Limit) {
    this.byAddress = limit({ name: "register-address", points: limits.perAddress, windowSeconds: limits.windowSeconds });
  }

  /** Counts one registration; TOO_MANY_REQUESTS with Retry-After past the limit. */
  async attempt(address: string | undefined): Promise<void> {
    if (address) await this.byAddress.consume([address], "too many registrations from this address; try again later");
  }
}
