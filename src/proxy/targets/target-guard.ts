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
import { UpstreamFailure, type Target, type UpstreamReply, type UpstreamRequest } from "./target.ts";

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
  /** Requests sent although the breaker was open, because this target is a route's last resort. */
  panicked: number;
}

export interface GuardOptions {
  /**
   * The legacy target of some route: the last resort, never ejected into an outage. While its
   * breaker is open, traffic still flows to it (Envoy's panic mode); only its slots can refuse.
   */
  lastResort: boolean;
  onStateChange?: (state: BreakerState) => void;
}

const stateNames: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "open",
};

// Only the target's own faults count: a client that went away or stalled its upload says nothing
// about the target's health, and must never be able to eject it.
const isTargetFault = (error: unknown) => error instanceof UpstreamFailure && error.kind !== "client-gone" && error.kind !== "client-body";

/**
 * Istio's circuit breaking for one target: at most maxConcurrent requests in flight and maxPending
 * waiting (connectionPool), and after consecutiveFailures 5xx or transport failures in a row the
 * target is ejected for baseEjectionMs times the number of ejections in a row (outlierDetection),
 * then one probe request decides. The policies are cockatiel's.
 */
export class TargetGuard {
  readonly stats: TargetStats = { requests: 0, inFlight: 0, failures: 0, shed: 0, ejections: 0, panicked: 0 };
  readonly lastResort: boolean;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly slots: BulkheadPolicy;

  constructor(
    readonly target: Target,
    limits: BreakerLimits,
    options: GuardOptions,
  ) {
    this.lastResort = options.lastResort;
    this.slots = bulkhead(limits.maxConcurrent, limits.maxPending);
    this.breaker = circuitBreaker(
      handleWhen(isTargetFault).orWhenResult((res) => (res as UpstreamReply).status >= 500),
      {
        breaker: new ConsecutiveBreaker(limits.consecutiveFailures),
        halfOpenAfter: new DelegateBackoff<{ attempt: number }>((ctx) => Math.min(limits.baseEjectionMs * ctx.attempt, limits.maxEjectionMs)),
      },
    );
    this.breaker.onBreak(() => this.stats.ejections++);
    this.breaker.onStateChange((state) => options.onStateChange?.(stateNames[state]));
  }

  get state(): BreakerState {
    return stateNames[this.breaker.state];
  }

  /** Sends through the limits; throws TargetShed without sending, or UpstreamFailure when sending failed. */
  async send(request: UpstreamRequest): Promise<UpstreamReply> {
    this.stats.requests++;
    try {
      const response = await this.sendOrPanic(request);
      if (response.status >= 500) this.stats.failures++;
      return response;
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw this.shed("ejected");
      if (error instanceof BulkheadRejectedError) throw this.shed("overloaded");
      if (isTargetFault(error)) this.stats.failures++;
      throw error;
    }
  }

  /** Through the breaker; a last resort that is ejected still sends, through its slots only (panic). */
  private async sendOrPanic(request: UpstreamRequest): Promise<UpstreamReply> {
    try {
      return await this.breaker.execute(() => this.throughSlots(request));
    } catch (error) {
      if (!(error instanceof BrokenCircuitError) || !this.lastResort) throw error;
      this.stats.panicked++;
      return this.throughSlots(request);
    }
  }

  private throughSlots(request: UpstreamRequest): Promise<UpstreamReply> {
    return this.slots.execute(async () => {
      this.stats.inFlight++;
      try {
        return await this.target.send(request);
      } finally {
        this.stats.inFlight--;
      }
    });
  }

  private shed(reason: TargetShed["reason"]): TargetShed {
    this.stats.shed++;
    return new TargetShed(this.target.name, reason);
  }
}
