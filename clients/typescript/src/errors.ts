// The API's errors, `{ error: { code, message, details? } }`, as classes to catch: one per kind of answer a
// caller handles differently (not found, bad input, slow down, who are you, not allowed, not now, busy), each
// carrying the API's own `code`, `message`, `details` and the HTTP status.

/** One field the API refused: `path` is where (`body.temperature`, `body.tasks.3.prompt`), `message` why. */
export type FieldProblem = { path: string; message: string };

export type ErrorBody = { code: string; message: string; details?: unknown };

export class TaskjetError extends Error {
  override name = "TaskjetError";
  /** The API's error code (`not_found`, `invalid_request`, `rate_limited`, …), or `network`, `timeout`, `http_<status>`. */
  readonly code: string;
  /** The HTTP status; 0 when there was no answer (network, timeout, a WebSocket error). */
  readonly status: number;
  readonly details: unknown;
  constructor(status: number, body: ErrorBody, options?: { cause?: unknown }) {
    super(body.message, options);
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }
}

/** 404: no such task (or one of another tenant), key, route. */
export class NotFoundError extends TaskjetError {
  override name = "NotFoundError";
}

/** 400, 413, 415, 422: the request was refused as it is; `fields` says which fields, when the API said. */
export class ValidationError extends TaskjetError {
  override name = "ValidationError";
  get fields(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter((d): d is FieldProblem => typeof d?.path === "string" && typeof d?.message === "string");
  }
}

/** 429 (`rate_limited`, `quota_exceeded`): `retryAfterMs` is how long the API asked to wait, when it said. */
export class RateLimitedError extends TaskjetError {
  override name = "RateLimitedError";
  readonly retryAfterMs: number | null;
  constructor(status: number, body: ErrorBody, retryAfterMs: number | null) {
    super(status, body);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 401: no key, a wrong, expired or revoked one. */
export class UnauthorizedError extends TaskjetError {
  override name = "UnauthorizedError";
}

/** 403: the key lacks the route's scope. */
export class ForbiddenError extends TaskjetError {
  override name = "ForbiddenError";
}

/** 409: the task is not in a state that allows it (`illegal_transition`, `history_purged`). */
export class ConflictError extends TaskjetError {
  override name = "ConflictError";
}

/** 503 or no answer at all (`unavailable`, `network`): try again later; `retryAfterMs` when the API said. */
export class UnavailableError extends TaskjetError {
  override name = "UnavailableError";
  readonly retryAfterMs: number | null;
  constructor(status: number, body: ErrorBody, retryAfterMs: number | null, options?: { cause?: unknown }) {
    super(status, body, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** `wait` ran out of time before the task finished. */
export class TimeoutError extends TaskjetError {
  override name = "TimeoutError";
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (against `now`); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function errorBodyOf(json: unknown, status: number): ErrorBody {
  const e = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && typeof e.code === "string" && typeof e.message === "string") {
    return e.details === undefined
      ? { code: e.code, message: e.message }
      : { code: e.code, message: e.message, details: e.details };
  }
  return { code: `http_${status}`, message: `the API answered ${status}` };
}

/** The error class for an answer that is not 2xx: its status and JSON body (anything, when it was not JSON). */
export function errorFromResponse(status: number, json: unknown, retryAfter: string | null, now: number): TaskjetError {
  const body = errorBodyOf(json, status);
  const wait = parseRetryAfter(retryAfter, now);
  if (status === 404 || status === 410) return new NotFoundError(status, body);
  if (status === 400 || status === 413 || status === 415 || status === 422) return new ValidationError(status, body);
  if (status === 401) return new UnauthorizedError(status, body);
  if (status === 403) return new ForbiddenError(status, body);
  if (status === 409) return new ConflictError(status, body);
  if (status === 429) return new RateLimitedError(status, body, wait);
  if (status === 503 || status === 502 || status === 504) return new UnavailableError(status, body, wait);
  return new TaskjetError(status, body);
}

/** An error from a WebSocket `{"type":"error"}` message or close code, as the same classes. */
export function errorFromSocket(body: ErrorBody): TaskjetError {
  if (body.code === "not_found") return new NotFoundError(404, body);
  if (body.code === "unauthorized") return new UnauthorizedError(401, body);
  if (body.code === "forbidden") return new ForbiddenError(403, body);
  if (body.code === "invalid_message" || body.code === "too_many_task_ids") return new ValidationError(400, body);
  return new TaskjetError(0, body);
}
