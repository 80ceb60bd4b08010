/** How deliveries are retried: a doubling delay from `baseMs`, at most `maxMs`, for `giveUpAfterMs` in all. */
export type WebhookRetryPolicy = { baseMs: number; maxMs: number; giveUpAfterMs: number };

/**
 * The wait before try `deliveryCount` + 1: `baseMs` doubled per try so far, capped at `maxMs`, with "equal
 * jitter" (half fixed, half random; `random` in [0, 1)) so receivers coming back are not hit by every sender at
 * once, while the wait still grows.
 */
export function webhookRetryDelayMs(deliveryCount: number, policy: WebhookRetryPolicy, random: number): number {
  const exponent = Math.min(Math.max(deliveryCount, 1) - 1, 40);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(full / 2 + (random * full) / 2);
}

export type WebhookAttemptVerdict =
  | { verdict: "delivered" }
  | { verdict: "retry"; inMs: number }
  | { verdict: "gave_up"; reason: string };

/**
 * What follows one try: a 2xx is delivered; anything else is tried again after `webhookRetryDelayMs`, the last
 * time exactly when `giveUpAfterMs` since the first try have passed, and given up after that.
 */
export function decideWebhookAttempt(
  attempt: { ok: boolean; deliveryCount: number; firstAttemptAt: Date; now: Date },
  policy: WebhookRetryPolicy,
  random: number,
): WebhookAttemptVerdict {
  if (attempt.ok) return { verdict: "delivered" };
  const elapsed = attempt.now.getTime() - attempt.firstAttemptAt.getTime();
  if (elapsed >= policy.giveUpAfterMs) {
    return {
      verdict: "gave_up",
      reason: `no 2xx in ${attempt.deliveryCount} tries over ${Math.round(elapsed / 1000)} s`,
    };
  }
  const delay = webhookRetryDelayMs(attempt.deliveryCount, policy, random);
  return { verdict: "retry", inMs: Math.min(delay, policy.giveUpAfterMs - elapsed) };
}
