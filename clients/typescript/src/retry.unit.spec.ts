import { describe, expect, it } from "vitest";
import { isIdempotent, type RetryPolicy, retryDelay, retryingFetch } from "./retry.ts";

const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 5000 };
const NOW = 0;
const max = () => 0.999999;
const answer = (status: number, retryAfter: string | null = null) => ({ status, retryAfter });

describe("which calls are tried again, and when", () => {
  it("only GET, HEAD and requests with an Idempotency-Key are safe to send twice", () => {
    const none = new Headers();
    const keyed = new Headers({ "Idempotency-Key": "k" });
    expect(isIdempotent("GET", none)).toBe(true);
    expect(isIdempotent("head", none)).toBe(true);
    expect(isIdempotent("POST", none)).toBe(false);
    expect(isIdempotent("POST", keyed)).toBe(true);
  });

  it("429, 503 and network errors are retried; other answers and non-idempotent calls are not", () => {
    expect(retryDelay(answer(429), 1, true, policy, NOW, max)).not.toBeNull();
    expect(retryDelay(answer(503), 1, true, policy, NOW, max)).not.toBeNull();
    expect(retryDelay({ networkError: true }, 1, true, policy, NOW, max)).not.toBeNull();
    for (const status of [200, 400, 404, 409, 500, 502]) {
      expect(retryDelay(answer(status), 1, true, policy, NOW, max)).toBeNull();
    }
    expect(retryDelay(answer(503), 1, false, policy, NOW, max)).toBeNull();
    expect(retryDelay({ networkError: true }, 1, false, policy, NOW, max)).toBeNull();
  });

  it("backs off exponentially with full jitter, a bounded number of times", () => {
    expect(retryDelay(answer(503), 1, true, policy, NOW, max)).toBe(99);
    expect(retryDelay(answer(503), 3, true, policy, NOW, max)).toBe(399);
    expect(retryDelay(answer(503), 3, true, policy, NOW, () => 0)).toBe(0);
    expect(retryDelay(answer(503), 4, true, policy, NOW, max)).toBeNull();
    expect(retryDelay(answer(503), 1, true, { ...policy, retries: 0 }, NOW, max)).toBeNull();
  });

  it("never sooner than Retry-After, and not at all when it asks for more than the policy allows", () => {
    expect(retryDelay(answer(429, "2"), 1, true, policy, NOW, max)).toBe(2000);
    expect(retryDelay(answer(429, "60"), 1, true, policy, NOW, max)).toBeNull();
  });

  it("a fetch sends an idempotent request again until it is answered, and a POST once", async () => {
    const fast: RetryPolicy = { retries: 3, baseDelayMs: 1, maxDelayMs: 10 };
    const statuses = [503, 429, 200];
    const seen: string[] = [];
    const fetchOnce = async (r: Request) => {
      seen.push(`${r.method} ${await r.text()}`);
      return new Response(null, { status: statuses.shift() ?? 200 });
    };
    const keyed = new Request("http://x/tasks", { method: "POST", body: "b", headers: { "idempotency-key": "k" } });
    expect((await retryingFetch(fetchOnce, fast)(keyed)).status).toBe(200);
    expect(seen).toEqual(["POST b", "POST b", "POST b"]);

    statuses.push(503);
    seen.length = 0;
    const plain = new Request("http://x/tasks/1/retry", { method: "POST", body: "b" });
    expect((await retryingFetch(fetchOnce, fast)(plain)).status).toBe(503);
    expect(seen).toEqual(["POST b"]);
  });
});
