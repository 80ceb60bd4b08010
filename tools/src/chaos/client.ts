/** What the chaos client saw over HTTP: every answer by status (or by error), and the first few 5xx. */
export type HttpStats = {
  byStatus: Map<string, number>;
  /** 5xx other than 503: a 503 (with Retry-After) is how an outage should look; anything else is a bug. */
  fiveXx: number;
  unavailable: number;
  unavailableWithoutRetryAfter: number;
  samples: { method: string; path: string; status: number; body: string; at: number }[];
};

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_SAMPLES = 8;

export function httpStats(): HttpStats {
  return { byStatus: new Map(), fiveXx: 0, unavailable: 0, unavailableWithoutRetryAfter: 0, samples: [] };
}

type Answer = { status: number; body: unknown };

/**
 * A JSON client whose `send` retries what a fault can cause — no connection, a timeout, a 5xx, a 429 — with
 * backoff, the same request each time (so the same `Idempotency-Key`), until `deadline`. Any other answer is
 * final. Returns null when the deadline passed without an answer that counts.
 */
export function chaosClient(baseUrl: string, stats: HttpStats) {
  const count = (key: string) => stats.byStatus.set(key, (stats.byStatus.get(key) ?? 0) + 1);

  async function once(method: "GET" | "POST", path: string, body: unknown, headers: Record<string, string>) {
    try {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      count(String(res.status));
      if (res.status === 503) {
        stats.unavailable++;
        if (!res.headers.get("retry-after")) stats.unavailableWithoutRetryAfter++;
      } else if (res.status >= 500) {
        stats.fiveXx++;
        if (stats.samples.length < MAX_SAMPLES) {
          stats.samples.push({ method, path, status: res.status, body: text.slice(0, 300), at: Date.now() });
        }
      }
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed } satisfies Answer;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      count(e.name === "TimeoutError" ? "timeout (10 s)" : (e.cause?.code ?? e.name));
      return null;
    }
  }

  return {
    async send(
      method: "GET" | "POST",
      path: string,
      opts: { body?: unknown; headers?: Record<string, string>; deadline: number },
    ): Promise<Answer | null> {
      for (let attempt = 0; Date.now() < opts.deadline; attempt++) {
        const a = await once(method, path, opts.body, opts.headers ?? {});
        if (a && a.status < 500 && a.status !== 429) return a;
        const backoff = Math.min(1000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);
        await new Promise((r) => setTimeout(r, Math.min(backoff, Math.max(0, opts.deadline - Date.now()))));
      }
      return null;
    },
  };
}
export type ChaosClient = ReturnType<typeof chaosClient>;
