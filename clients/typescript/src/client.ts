// The Taskjet API from TypeScript, in Node (≥ 22) or a browser: typed by the gateway's own OpenAPI document,
// errors as classes (errors.ts), idempotent calls retried (retry.ts), live tasks over the WebSocket (live.ts).
import createClient from "openapi-fetch";
import { errorFromResponse, UnavailableError } from "./errors.ts";
import { streamToEnd, waitToEnd } from "./finish.ts";
import { newIdempotencyKey } from "./ids.ts";
import { followLive } from "./live.ts";
import { DEFAULT_RETRY, type RetryPolicy, retryingFetch } from "./retry.ts";
import type { paths } from "./schema.ts";
import type {
  ApiKey,
  BatchItem,
  BatchResult,
  ChainBody,
  CreatedApiKey,
  CreateKeyBody,
  CreateScheduleBody,
  ListFilters,
  LiveEvent,
  Schedule,
  SubmitBody,
  Task,
  TaskEvent,
  TaskPage,
  UpdateScheduleBody,
} from "./types.ts";

export type TaskjetOptions = {
  /** Where the gateway answers, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** `tj_…`, sent as `Authorization: Bearer …` (and first on the WebSocket). Not needed with auth off. */
  apiKey?: string;
  /** A fetch to use instead of the global one. */
  fetch?: (request: Request) => Promise<Response>;
  /** A WebSocket class to use instead of the global one (Node ≥ 22 and browsers have one). */
  WebSocket?: typeof WebSocket;
  /** How idempotent calls are tried again on 429, 503 and network errors; `{ retries: 0 }` turns it off. */
  retry?: Partial<RetryPolicy>;
};

type Outcome<T> = { data?: T; error?: unknown; response: Response };

const newKey = () => newIdempotencyKey();

export class Taskjet {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetchOnce: (request: Request) => Promise<Response>;
  readonly #policy: RetryPolicy;
  readonly #WebSocket: typeof WebSocket | undefined;
  readonly #api: ReturnType<typeof createClient<paths>>;

  constructor(options: TaskjetOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#fetchOnce = options.fetch ?? ((request) => globalThis.fetch(request));
    this.#policy = { ...DEFAULT_RETRY, ...options.retry };
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#api = createClient<paths>({
      baseUrl: this.baseUrl,
      fetch: retryingFetch(this.#fetchOnce, this.#policy),
      headers: this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {},
    });
  }

  /** Submits a task (202). Sent with an Idempotency-Key — `idempotencyKey`, or one made here — so a retry never doubles it. */
  async submit(body: SubmitBody, options: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<Task> {
    const headers = { "idempotency-key": options.idempotencyKey ?? newKey() };
    return this.#unwrap(this.#api.POST("/tasks", { body, headers, signal: options.signal }));
  }

  /**
   * Submits up to 1,000 tasks in one request (`POST /tasks/batch`); each item gets an idempotency key unless it
   * has one, so the batch is safe to send again. Answers in request order: a task, or an item's `error` (207).
   */
  async submitMany(tasks: BatchItem[], options: { signal?: AbortSignal } = {}): Promise<BatchResult[]> {
    const keyed = tasks.map((t) => ({ ...t, idempotencyKey: t.idempotencyKey ?? newKey() }));
    const fetch = retryingFetch(this.#fetchOnce, this.#policy, true);
    const page = await this.#unwrap(
      this.#api.POST("/tasks/batch", { body: { tasks: keyed }, fetch, signal: options.signal }),
    );
    return page.tasks;
  }

  async get(id: string, options: { signal?: AbortSignal } = {}): Promise<Task> {
    return this.#unwrap(this.#api.GET("/tasks/{id}", { params: { path: { id } }, signal: options.signal }));
  }

  /** The caller's tasks, newest first, every page of them: `for await (const task of client.list({ status: ["failed"] }))`. */
  async *list(filters: ListFilters = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<Task> {
    let cursor = filters.cursor;
    do {
      const page = await this.page({ ...filters, ...(cursor ? { cursor } : {}) }, options);
      yield* page.tasks;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One page of the caller's tasks and the cursor of the next (null at the end): for a UI that pages on demand. */
  async page(filters: ListFilters = {}, options: { signal?: AbortSignal } = {}): Promise<TaskPage> {
    return this.#unwrap(this.#api.GET("/tasks", { params: { query: filters }, signal: options.signal }));
  }

  /** Cancels a task (idempotent: an already cancelled one answers as it is); a finished one is a ConflictError. */
  async cancel(id: string, reason?: string): Promise<Task> {
    const body = reason === undefined ? {} : { reason };
    return this.#unwrap(this.#api.POST("/tasks/{id}/cancel", { params: { path: { id } }, body }));
  }

  /** Runs a failed task again; any other is a ConflictError. */
  async retry(id: string): Promise<Task> {
    return this.#unwrap(this.#api.POST("/tasks/{id}/retry", { params: { path: { id } } }));
  }

  /** A new task that runs on `parentId`'s output (`{{parent.output}}` in its prompt), once the parent completes. */
  async chain(parentId: string, body: ChainBody, options: { idempotencyKey?: string } = {}): Promise<Task> {
    const headers = { "idempotency-key": options.idempotencyKey ?? newKey() };
    return this.#unwrap(this.#api.POST("/tasks/{id}/chain", { params: { path: { id: parentId } }, body, headers }));
  }

  /** The task's history from the stream, oldest first, every page of it. */
  async events(id: string): Promise<TaskEvent[]> {
    const all: TaskEvent[] = [];
    let afterSeq: number | undefined;
    while (true) {
      const query = afterSeq === undefined ? {} : { afterSeq };
      const page = await this.#unwrap(this.#api.GET("/tasks/{id}/events", { params: { path: { id }, query } }));
      all.push(...page.events);
      const last = page.events.at(-1);
      if (!page.truncated || last === undefined) return all;
      afterSeq = last.seq;
    }
  }

  /**
   * Follows one task over the WebSocket: every new version of it, and its output as it is generated (the output
   * so far first). Reconnects with backoff and resumes without a gap or a repeat. Ends once the task has finished
   * and the output streamed matches its final output (or shortly after, when the live output is gone).
   */
  stream(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<LiveEvent> {
    return streamToEnd((signal) => this.#live({ taskIds: [id] }, signal), options.signal);
  }

  /**
   * Every change of every task of the caller (`subscribe` with `all`), live until `signal` aborts; after a break
   * it resumes from just before the latest change it saw.
   */
  watch(options: { since?: string; signal?: AbortSignal } = {}): AsyncGenerator<LiveEvent> {
    return this.#live({ all: true, ...(options.since ? { since: options.since } : {}) }, options.signal);
  }

  /**
   * Resolves with the task once it has finished — completed, failed or cancelled (a failed task is an answer,
   * not an error) — from the live stream, not by polling. `timeout` (ms) rejects with a TimeoutError. `since`
   * (an `updatedAt`) skips versions older than it: after `retry`, pass the retried task's `updatedAt` so the
   * failure it retried does not count.
   */
  wait(id: string, options: { timeout?: number; since?: string; signal?: AbortSignal } = {}): Promise<Task> {
    return waitToEnd((signal) => this.#live({ taskIds: [id] }, signal), id, options);
  }

  /** API keys (`/admin/keys`, scope `admin`). */
  readonly keys = {
    create: (body: CreateKeyBody): Promise<CreatedApiKey> => this.#unwrap(this.#api.POST("/admin/keys", { body })),
    list: async (): Promise<ApiKey[]> => (await this.#unwrap(this.#api.GET("/admin/keys"))).keys,
    revoke: async (id: string): Promise<void> => {
      await this.#unwrap(this.#api.DELETE("/admin/keys/{id}", { params: { path: { id } } }), true);
    },
  };

  /** Schedules (`/schedules`): cron-timed tasks, each firing a task that names its `scheduleId`. */
  readonly schedules = {
    create: (body: CreateScheduleBody, options: { idempotencyKey?: string } = {}): Promise<Schedule> =>
      this.#unwrap(
        this.#api.POST("/schedules", { body, headers: { "idempotency-key": options.idempotencyKey ?? newKey() } }),
      ),
    list: async (): Promise<Schedule[]> => (await this.#unwrap(this.#api.GET("/schedules"))).schedules,
    get: (id: string): Promise<Schedule> =>
      this.#unwrap(this.#api.GET("/schedules/{id}", { params: { path: { id } } })),
    update: (id: string, body: UpdateScheduleBody): Promise<Schedule> =>
      this.#unwrap(this.#api.PATCH("/schedules/{id}", { params: { path: { id } }, body })),
    remove: async (id: string): Promise<void> => {
      await this.#unwrap(this.#api.DELETE("/schedules/{id}", { params: { path: { id } } }), true);
    },
  };

  #live(subscribe: { taskIds: string[] } | { all: true; since?: string }, signal?: AbortSignal) {
    if (this.#WebSocket === undefined) throw new Error("no WebSocket: pass one as `WebSocket` (e.g. from `ws`)");
    return followLive({
      url: `${this.baseUrl.replace(/^http/, "ws")}/ws`,
      ...(this.#apiKey ? { apiKey: this.#apiKey } : {}),
      WebSocket: this.#WebSocket,
      subscribe,
      ...(signal ? { signal } : {}),
    });
  }

  async #unwrap<T>(call: Promise<Outcome<T>>, empty = false): Promise<T> {
    let outcome: Outcome<T>;
    try {
      outcome = await call;
    } catch (err) {
      if (err instanceof Error && err.name === "AbortError") throw err;
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = String(cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : err));
      const body = { code: "network", message: `cannot reach ${this.baseUrl} (${why})` };
      throw new UnavailableError(0, body, null, { cause: err });
    }
    const { data, error, response } = outcome;
    if (response.ok && (data !== undefined || empty)) return data as T;
    throw errorFromResponse(response.status, error, response.headers.get("retry-after"), Date.now());
  }
}
