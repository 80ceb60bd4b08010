import type { components, paths } from "@taskjet/client";
import { Taskjet, TaskjetError } from "@taskjet/client";
import createClient, { type Middleware } from "openapi-fetch";
import { auth } from "./auth.ts";

export type Task = components["schemas"]["Task"];
export type TaskStatus = Task["status"];
export type CreateTaskBody = paths["/tasks"]["post"]["requestBody"]["content"]["application/json"];
export type TaskEvent =
  paths["/tasks/{id}/events"]["get"]["responses"][200]["content"]["application/json"]["events"][number];

/** A field the API refused: `path` is where (e.g. `body.temperature`), `message` why. */
export type FieldProblem = { path: string; message: string };

/** The API's error model, `{ error: { code, message, details? } }`, as something to throw and show. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The per-field problems of a 400 (empty for any other error). */
  get fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter((d): d is FieldProblem => typeof d?.path === "string" && typeof d?.message === "string");
  }

  /** What a person can do about it. */
  get hint(): string | null {
    if (this.status === 0) return "Check that the gateway is running (npm start) and reachable, then try again.";
    if (this.status === 401) return "Enter an API key to continue.";
    if (this.status === 403) return "Your API key does not allow this; ask an admin for one with the scope.";
    if (this.status === 404) return "It may belong to another tenant, or the id is mistyped.";
    if (this.status === 409) return "The task changed meanwhile; the page shows what it is now.";
    if (this.status === 429 || this.status === 503) return "The service is busy; wait a moment and try again.";
    if (this.status >= 500) return "Something failed on the server; the gateway's log has the details.";
    return null;
  }
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    if (auth.key) request.headers.set("authorization", `Bearer ${auth.key}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) auth.required();
    return response;
  },
};

/** For the routes @taskjet/client does not cover (stats, schedules and webhooks pages, admin). */
export const client = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
client.use(authMiddleware);

/**
 * The typed client every program uses (`@taskjet/client`), for the tasks themselves: submit, chain, read, list,
 * cancel, retry, history. It sends this session's key, and a 401 opens the key dialog, as for `client`.
 */
export const taskjet = new Taskjet({
  baseUrl: globalThis.location?.origin ?? "",
  async fetch(request) {
    if (auth.key) request.headers.set("authorization", `Bearer ${auth.key}`);
    const response = await globalThis.fetch(request);
    if (response.status === 401) auth.required();
    return response;
  },
});

/** A call of `taskjet`: its answer, or its error as the console shows errors (with their hint and fields). */
export async function viaClient<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (!(err instanceof TaskjetError)) throw err;
    if (err.status === 0) throw new ApiError(0, "unreachable", `Cannot reach the gateway (${err.message}).`);
    throw new ApiError(err.status, err.code, err.message, err.details);
  }
}

type Outcome<T> = { data?: T; error?: unknown; response: Response };

/** Unwraps an openapi-fetch call: its data, or an ApiError carrying the API's code, message and details. */
export async function unwrap<T>(call: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await call;
  } catch (err) {
    throw new ApiError(0, "unreachable", `Cannot reach the gateway (${(err as Error).message}).`);
  }
  const { data, error, response } = outcome;
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  const e = body.error;
  if (e && typeof e.code === "string" && typeof e.message === "string") {
    throw new ApiError(response.status, e.code, e.message, e.details);
  }
  throw new ApiError(response.status, `http_${response.status}`, `The API answered ${response.status}.`);
}
