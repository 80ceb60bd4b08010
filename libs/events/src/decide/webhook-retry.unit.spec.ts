import { describe, expect, it } from "vitest";
import { decideWebhookAttempt, webhookRetryDelayMs } from "./webhook-retry.ts";

const policy = { baseMs: 1000, maxMs: 60_000, giveUpAfterMs: 86_400_000 };
const first = new Date("2026-11-26T10:00:00.000Z");
const after = (ms: number) => new Date(first.getTime() + ms);

describe("webhook retry delays", () => {
  it("double per try from the base, half fixed and half jitter", () => {
    expect([1, 2, 3, 4].map((n) => webhookRetryDelayMs(n, policy, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => webhookRetryDelayMs(n, policy, 0.999_999))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("stop growing at the cap, however many tries (no overflow past 2^40)", () => {
    expect(webhookRetryDelayMs(7, policy, 0.5)).toBe(45_000);
    expect(webhookRetryDelayMs(10_000, policy, 0.999_999)).toBe(60_000);
  });

  it("treat a count of 0 as the first try", () => {
    expect(webhookRetryDelayMs(0, policy, 0)).toBe(500);
  });
});

describe("after a try", () => {
  it("given a 2xx, then it is delivered", () => {
    const v = decideWebhookAttempt({ ok: true, deliveryCount: 9, firstAttemptAt: first, now: after(5) }, policy, 0);
    expect(v).toEqual({ verdict: "delivered" });
  });

  it("given a failure early on, then it is tried again after the backoff", () => {
    const v = decideWebhookAttempt(
      { ok: false, deliveryCount: 3, firstAttemptAt: first, now: after(10_000) },
      policy,
      0,
    );
    expect(v).toEqual({ verdict: "retry", inMs: 2000 });
  });

  it("given a failure just short of a day, then the last try comes exactly at the day", () => {
    const v = decideWebhookAttempt(
      { ok: false, deliveryCount: 40, firstAttemptAt: first, now: after(86_400_000 - 1500) },
      policy,
      0.5,
    );
    expect(v).toEqual({ verdict: "retry", inMs: 1500 });
  });

  it("given a failure a day after the first try, then it is given up, saying why", () => {
    const v = decideWebhookAttempt(
      { ok: false, deliveryCount: 41, firstAttemptAt: first, now: after(86_400_000) },
      policy,
      0.5,
    );
    expect(v).toEqual({ verdict: "gave_up", reason: "no 2xx in 41 tries over 86400 s" });
  });
});
