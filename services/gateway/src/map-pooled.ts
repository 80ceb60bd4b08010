/**
 * `items.map(work)` with at most `concurrency` calls running at once, results in input order: a bulk request
 * goes through the gateway's bounded stream reads without queueing more than they take.
 */
export async function mapPooled<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker() {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T, i);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
