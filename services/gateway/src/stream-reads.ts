import { ApiError } from "./errors.ts";

/** Seconds a client told "busy" is asked to wait before trying again (the `Retry-After` header). */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/** Too many stream reads at once on this gateway: a 503 `busy` with `Retry-After`. */
export class StreamReadsBusyError extends ApiError {
  override name = "StreamReadsBusyError";
  constructor() {
    super(
      503,
      "busy",
      "too many reads of the event stream at once; retry shortly",
      undefined,
      BUSY_RETRY_AFTER_SECONDS,
    );
  }
}

/**
 * At most `concurrency` stream reads at once; a read beyond that waits up to `maxWaitMs` for a slot (first
 * come, first served), and fails with StreamReadsBusyError when none frees in time or the queue is already
 * `concurrency × 4` long, so a burst of history reads cannot starve the stream of its writers.
 */
export function createStreamReadLimiter(opts: { concurrency: number; maxWaitMs: number }) {
  let active = 0;
  const waiting: { grant(): void }[] = [];

  function acquire(): Promise<void> {
    if (active < opts.concurrency) {
      active++;
      return Promise.resolve();
    }
    if (opts.maxWaitMs === 0 || waiting.length >= opts.concurrency * 4)
      return Promise.reject(new StreamReadsBusyError());
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1);
        reject(new StreamReadsBusyError());
      }, opts.maxWaitMs);
      waiting.push(waiter);
    });
  }

  function release() {
    const next = waiting.shift();
    if (next) next.grant();
    else active--;
  }

  return {
    /** Runs `read` in a slot. */
    async run<T>(read: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await read();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
export type StreamReadLimiter = ReturnType<typeof createStreamReadLimiter>;
