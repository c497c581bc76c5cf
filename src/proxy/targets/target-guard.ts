import {
  BrokenCircuitError,
  bulkhead,
  BulkheadRejectedError,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  type CircuitBreakerPolicy,
  type BulkheadPolicy,
} from "cockatiel";
import type { BreakerLimits } from "../../config/gateway-config.ts";
import { UpstreamFailure, type Target, type UpstreamRequest } from "./target.ts";

export type BreakerState = "closed" | "open" | "half-open";

/** The guard refused to send: the target is ejected, or its concurrent and pending slots are full. */
export class TargetShed extends Error {
  override name = "TargetShed";
  constructor(
    readonly target: string,
    readonly reason: "ejected" | "overloaded",
  ) {
    super(reason === "ejected" ? `${target} is ejected after consecutive failures` : `${target} has no free slot`);
  }
}

export interface TargetStats {
  requests: number;
  inFlight: number;
  failures: number;
  shed: number;
  ejections: number;
}

const stateNames: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "open",
};

// A client that went away says nothing about the target's health.
const isTargetFault = (error: unknown) => error instanceof UpstreamFailure && error.kind !== "client-gone";

/**
 * Istio's circuit breaking for one target: at most maxConcurrent requests in flight and maxPending
 * waiting (connectionPool), and after consecutiveFailures 5xx or transport failures in a row the
 * target is ejected for baseEjectionMs times the number of ejections in a row (outlierDetection),
 * then one probe request decides. The policies are cockatiel's.
 */
export class TargetGuard {
  readonly stats: TargetStats = { requests: 0, inFlight: 0, failures: 0, shed: 0, ejections: 0 };
  private readonly breaker: CircuitBreakerPolicy;
  private readonly slots: BulkheadPolicy;

  constructor(
    readonly target: Target,
    limits: BreakerLimits,
    onStateChange: (state: BreakerState) => void = () => {},
  ) {
    this.slots = bulkhead(limits.maxConcurrent, limits.maxPending);
    this.breaker = circuitBreaker(
      handleWhen(isTargetFault).orWhenResult((res) => (res as Response).status >= 500),
      {
        breaker: new ConsecutiveBreaker(limits.consecutiveFailures),
        halfOpenAfter: new DelegateBackoff<{ attempt: number }>((ctx) => Math.min(limits.baseEjectionMs * ctx.attempt, limits.maxEjectionMs)),
      },
    );
    this.breaker.onBreak(() => this.stats.ejections++);
    this.breaker.onStateChange((state) => onStateChange(stateNames[state]));
  }

  get state(): BreakerState {
    return stateNames[this.breaker.state];
  }

  /** Sends through the limits; throws TargetShed without sending, or UpstreamFailure when sending failed. */
  async send(request: UpstreamRequest): Promise<Response> {
    this.stats.requests++;
    try {
      const response = await this.breaker.execute(() =>
        this.slots.execute(async () => {
          this.stats.inFlight++;
          try {
            return await this.target.send(request);
          } finally {
            this.stats.inFlight--;
          }
        }),
      );
      if (response.status >= 500) this.stats.failures++;
      return response;
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw this.shed("ejected");
      if (error instanceof BulkheadRejectedError) throw this.shed("overloaded");
      if (error instanceof UpstreamFailure && error.kind !== "client-gone") this.stats.failures++;
      throw error;
    }
  }

  private shed(reason: TargetShed["reason"]): TargetShed {
    this.stats.shed++;
    return new TargetShed(this.target.name, reason);
  }
}
