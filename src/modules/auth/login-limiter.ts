import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { LoginLimits } from "../../config/auth-config.ts";
import { AppError } from "../../contracts/app-error.ts";

/** Login attempts per username and per client address, in fixed windows (rate-limiter-flexible). */
export class LoginLimiter {
  private readonly byUser: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(limits: LoginLimits) {
    this.byUser = new RateLimiterMemory({ keyPrefix: "login-user", points: limits.perUser, duration: limits.windowSeconds });
    this.byAddress = new RateLimiterMemory({ keyPrefix: "login-address", points: limits.perAddress, duration: limits.windowSeconds });
  }

  /** Counts one attempt; throws TOO_MANY_REQUESTS with Retry-After once either limit is spent. */
  async attempt(username: string, address: string | undefined): Promise<void> {
    try {
      await this.byUser.consume(username.toLowerCase());
      if (address) await this.byAddress.consume(address);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new AppError("TOO_MANY_REQUESTS", "too many login attempts; try again later", rejection.msBeforeNext / 1000);
    }
  }
}
