import { AppError } from "../../contracts/app-error.ts";
import { UpstreamFailure } from "../targets/target.ts";
import { TargetShed } from "../targets/target-guard.ts";

// Seconds a shed client should wait: slots free up fast, an ejection lasts longer.
const RETRY_AFTER_OVERLOADED_S = 1;
const RETRY_AFTER_EJECTED_S = 5;

/**
 * What the client is told when no upstream answered: a stable message and code. The detail (target
 * names, addresses, library messages) goes to the log with the request id, never into the reply.
 */
export function clientFacingError(error: unknown): unknown {
  if (error instanceof TargetShed) {
    return error.reason === "overloaded"
      ? new AppError("UNAVAILABLE", "the service is overloaded; try again shortly", RETRY_AFTER_OVERLOADED_S)
      : new AppError("UNAVAILABLE", "the service is unavailable; try again shortly", RETRY_AFTER_EJECTED_S);
  }
  if (error instanceof UpstreamFailure) {
    switch (error.kind) {
      case "timeout":
        return new AppError("GATEWAY_TIMEOUT", "the service did not answer in time");
      case "client-body":
        return new AppError("REQUEST_TIMEOUT", "body: the request body did not arrive whole");
      default:
        return new AppError("BAD_GATEWAY", "the service could not be reached");
    }
  }
  return error;
}
