/** A readiness check for probeRoutes: true while the dependency counts as up; never throws. */
export type ReadinessCheck = () => Promise<boolean>;

export interface RemoteReadinessOptions {
  /** The path every role answers while its process can serve at all. */
  path: string;
  timeoutMs: number;
}

const defaults: RemoteReadinessOptions = { path: "/live", timeoutMs: 1_000 };

/**
 * Down until the remote service has answered its liveness path with a 2xx once, then up for good.
 * The latch is deliberate: before the first answer this process cannot serve what the remote owns,
 * so it stays out of the Service; after it, an outage of the remote is met per call (retries, an
 * UNAVAILABLE reply, the gateway's breaker), and failing this readiness too would take every route
 * of this process out of the Service, also those that never call the remote: a cascading failure.
 */
export function remoteAnswered(baseUrl: string, options: Partial<RemoteReadinessOptions> = {}): ReadinessCheck {
  const { path, timeoutMs } = { ...defaults, ...options } satisfies RemoteReadinessOptions;
  const url = `${baseUrl.replace(/\/+$/, "")}${path}`;
  let answered = false;
  return async () => {
    if (answered) return true;
    try {
      const reply = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await reply.body?.cancel();
      answered = reply.ok;
    } catch {
      // Refused, reset or timed out: still down; the next probe asks again.
    }
    return answered;
  };
}

/**
 * One check per port placed on a remote service, named `<port>-service`; placement maps each port
 * to "in-process" or its service's URL. Ports served by one URL share one check.
 */
export function remoteChecks(placement: Readonly<Record<string, string>>, options: Partial<RemoteReadinessOptions> = {}): Record<string, ReadinessCheck> {
  const byUrl = new Map<string, ReadinessCheck>();
  const checks: Record<string, ReadinessCheck> = {};
  for (const [port, where] of Object.entries(placement)) {
    if (where === "in-process") continue;
    if (!byUrl.has(where)) byUrl.set(where, remoteAnswered(where, options));
    checks[`${port}-service`] = byUrl.get(where)!;
  }
  return checks;
}
