/**
 * At most `limit` of the calls passed to `run` at once, the rest waiting their turn in order. A service that
 * takes 10,000 deliveries in a moment would otherwise send 30,000 stream reads at once: they queue in the
 * server and on the socket instead of here, and the last of them outwait the request timeout and fail.
 */
export function gate(limit: number) {
  let active = 0;
  // A queue with a moving head: `shift()` on 30,000 waiters costs a copy of the rest each time.
  let waiting: (() => void)[] = [];
  let head = 0;
  const release = () => {
    const next = waiting[head];
    if (next === undefined) {
      active--;
      return;
    }
    head++;
    if (head === waiting.length) {
      waiting = [];
      head = 0;
    }
    next();
  };
  return async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
