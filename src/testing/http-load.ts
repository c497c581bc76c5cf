export interface LoadResult {
  status: number;
  servedBy: string | null;
  /** Set when the request failed with no response at all. */
  error?: string;
}

/** Sends `count` requests with at most `concurrency` in flight; never throws, records every outcome. */
export async function sendMany(
  count: number,
  concurrency: number,
  makeRequest: (i: number) => Promise<Response>,
): Promise<LoadResult[]> {
  const results: LoadResult[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const res = await makeRequest(i);
        await res.arrayBuffer();
        results[i] = { status: res.status, servedBy: res.headers.get("x-served-by") };
      } catch (error) {
        results[i] = { status: 0, servedBy: null, error: String((error as Error).cause ?? error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** How many results each target served. */
export function countBy(results: LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === 0 ? "failed" : (r.servedBy ?? `status-${r.status}`);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
