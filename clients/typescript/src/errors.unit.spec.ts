import { describe, expect, it } from "vitest";
import {
  ConflictError,
  errorFromResponse,
  errorFromSocket,
  ForbiddenError,
  NotFoundError,
  parseRetryAfter,
  RateLimitedError,
  TaskjetError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from "./errors.ts";

const NOW = Date.parse("2026-11-27T00:00:00Z");
const body = (code: string, details?: unknown) => ({ error: { code, message: `${code}!`, details } });

describe("the API's errors as classes", () => {
  it("each status the API answers is its class, carrying the API's code, message and details", () => {
    const cases: [number, string, new (...a: never[]) => TaskjetError][] = [
      [404, "not_found", NotFoundError],
      [400, "invalid_request", ValidationError],
      [422, "idempotency_key_reused", ValidationError],
      [401, "unauthorized", UnauthorizedError],
      [403, "forbidden", ForbiddenError],
      [409, "illegal_transition", ConflictError],
      [429, "rate_limited", RateLimitedError],
      [503, "unavailable", UnavailableError],
      [500, "internal", TaskjetError],
    ];
    for (const [status, code, kind] of cases) {
      const err = errorFromResponse(status, body(code), null, NOW);
      expect(err).toBeInstanceOf(kind);
      expect(err).toBeInstanceOf(TaskjetError);
      expect(err).toMatchObject({ status, code, message: `${code}!` });
    }
  });

  it("a validation error names the fields the API refused", () => {
    const details = [{ path: "body.temperature", message: "too big" }, "not a field"];
    const err = errorFromResponse(400, body("invalid_request", details), null, NOW) as ValidationError;
    expect(err.fields).toEqual([{ path: "body.temperature", message: "too big" }]);
  });

  it("429 and 503 say how long to wait, in seconds or as a date", () => {
    expect((errorFromResponse(429, body("rate_limited"), "3", NOW) as RateLimitedError).retryAfterMs).toBe(3000);
    const at = new Date(NOW + 7000).toUTCString();
    expect((errorFromResponse(503, body("unavailable"), at, NOW) as UnavailableError).retryAfterMs).toBe(7000);
    expect((errorFromResponse(429, body("quota_exceeded"), null, NOW) as RateLimitedError).retryAfterMs).toBeNull();
    expect(parseRetryAfter("soon", NOW)).toBeNull();
  });

  it("an answer that is not the API's error shape is still an error with the status", () => {
    const err = errorFromResponse(502, "<html>bad gateway</html>", null, NOW);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.code).toBe("http_502");
  });

  it("a WebSocket error message maps the same way", () => {
    expect(errorFromSocket({ code: "not_found", message: "no" })).toBeInstanceOf(NotFoundError);
    expect(errorFromSocket({ code: "unauthorized", message: "no" })).toBeInstanceOf(UnauthorizedError);
    expect(errorFromSocket({ code: "forbidden", message: "no" })).toBeInstanceOf(ForbiddenError);
  });
});
