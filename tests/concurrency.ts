/**
 * Simultaneous requests for the concurrency suites: every request is made
 * ready first and released together, so they reach the server at the same
 * moment (on PostgreSQL they race for real; PGlite runs one transaction at
 * a time and hides races, which is why these suites matter under
 * `npm run test:pg`).
 */
export async function simultaneously<T>(count: number, send: (i: number) => Promise<T>): Promise<T[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const runs = Array.from({ length: count }, (_, i) => gate.then(() => send(i)));
  release();
  return Promise.all(runs);
}

/** Status codes of responses, counted: `{ 200: 1, 422: 19 }`. */
export function statusCounts(responses: readonly { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
