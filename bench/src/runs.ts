import { percentile, round } from "./stats.ts";
import type { Driver } from "./systems/driver.ts";
import { inPool, paced } from "./workload.ts";

export type BurstFigures = { throughput: number; seconds: number; p50: number; p99: number };
export type BulkFigures = {
  /** Tasks accepted (durably) per second of submitting, from the first request sent to the last answer. */
  acceptedPerSecond: number;
  submitSeconds: number;
  /** One request's round trip (`batch` tasks). */
  requestP50: number;
  requestP99: number;
  /** From the first request sent to the last task completed. */
  completedSeconds: number;
  completedPerSecond: number;
};
export type PacedFigures = {
  submitP50: number;
  submitP99: number;
  completedP50: number;
  completedP99: number;
  getP50?: number;
  getP99?: number;
};

const ms = (xs: number[], p: number) => round(percentile(xs, p), 2);

/** `n` tasks, `inFlight` submits at a time; from the first submit to the last completion. */
export async function burst(d: Driver, n: number, inFlight: number, timeoutMs: number): Promise<BurstFigures> {
  const submittedAt = new Map<string, number>();
  const t0 = Date.now();
  await inPool(n, inFlight, async (i) => {
    const at = Date.now();
    submittedAt.set(await d.submit(i), at);
  });
  const done = await d.completions([...submittedAt.keys()], timeoutMs);
  const latencies = [...submittedAt].map(([key, at]) => (done.get(key) as number) - at);
  const seconds = (Math.max(...done.values()) - t0) / 1000;
  return {
    throughput: round(n / seconds, 0),
    seconds: round(seconds, 2),
    p50: ms(latencies, 0.5),
    p99: ms(latencies, 0.99),
  };
}

/** A steady `perSecond` for `seconds`: how long a submit takes, and how long until the task is seen completed. */
export async function steady(d: Driver, perSecond: number, seconds: number, timeoutMs: number): Promise<PacedFigures> {
  const submittedAt = new Map<string, number>();
  const submitMs: number[] = [];
  const seenByGet: Promise<number>[] = [];
  await paced(perSecond, seconds, async (i) => {
    const at = Date.now();
    const t = performance.now();
    const key = await d.submit(i);
    submitMs.push(performance.now() - t);
    submittedAt.set(key, at);
    // One task in ten is polled: polling them all is a load of its own (~3,000 GETs/s), not a measurement.
    if (d.seenByGet && i % 10 === 0) seenByGet.push(d.seenByGet(key).then((seen) => seen - at));
  });
  const done = await d.completions([...submittedAt.keys()], timeoutMs);
  const completedMs = [...submittedAt].map(([key, at]) => (done.get(key) as number) - at);
  const get = await Promise.all(seenByGet);
  return {
    submitP50: ms(submitMs, 0.5),
    submitP99: ms(submitMs, 0.99),
    completedP50: ms(completedMs, 0.5),
    completedP99: ms(completedMs, 0.99),
    ...(get.length > 0 ? { getP50: ms(get, 0.5), getP99: ms(get, 0.99) } : {}),
  };
}

/**
 * `n` tasks submitted by one client in requests of `batch`, one request at a time; how fast they are accepted,
 * and how long until all are completed.
 */
export async function bulk(d: Driver, n: number, batch: number, timeoutMs: number): Promise<BulkFigures> {
  const submitBatch = d.submitBatch?.bind(d);
  if (!submitBatch) throw new Error(`${d.name} has no bulk submit`);
  const keys: string[] = [];
  const requestMs: number[] = [];
  const t0 = Date.now();
  for (let from = 0; from < n; from += batch) {
    const t = performance.now();
    keys.push(...(await submitBatch(from, Math.min(batch, n - from))));
    requestMs.push(performance.now() - t);
  }
  const submitSeconds = (Date.now() - t0) / 1000;
  const done = await d.completions(keys, timeoutMs);
  const completedSeconds = (Math.max(...done.values()) - t0) / 1000;
  return {
    acceptedPerSecond: round(n / submitSeconds, 0),
    submitSeconds: round(submitSeconds, 3),
    requestP50: ms(requestMs, 0.5),
    requestP99: ms(requestMs, 0.99),
    completedSeconds: round(completedSeconds, 2),
    completedPerSecond: round(n / completedSeconds, 0),
  };
}
