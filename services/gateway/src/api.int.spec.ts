import { randomUUID } from "node:crypto";
import SwaggerParser from "@apidevtools/swagger-parser";
import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("gwapi", { MAX_PROMPT_CHARS: "1000" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method: "POST", url, headers, ...(payload === undefined ? {} : { payload }) });
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers });
const submit = async (body: object = { prompt: "hi" }, headers: Record<string, string> = {}) => {
  const res = await post("/tasks", body, headers);
  expect(res.statusCode).toBe(202);
  return res.json() as { id: string; status: string };
};
/** Puts a task into a state by publishing the events the other services would. */
const failTask = async (taskId: string) => {
  await ctx.publish(ev.queued({ taskId }));
  await ctx.publish(ev.started({ taskId }));
  await ctx.publish(ev.failed({ taskId, attempts: 1 }));
};

describe("commands", () => {
  it("cancels a live task (202), then again as a no-op (200)", async () => {
    const { id } = await submit();
    const first = await post(`/tasks/${id}/cancel`, { reason: "changed my mind" });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: "cancelled", cancelReason: "changed my mind" });
    const again = await post(`/tasks/${id}/cancel`);
    expect(again.statusCode).toBe(200);
    expect((await ctx.history(id)).filter((e) => e.type === "TaskCancelled")).toHaveLength(1);
  });

  it("refuses to cancel a completed task (409)", async () => {
    const { id } = await submit();
    await ctx.publish(ev.queued({ taskId: id }));
    await ctx.publish(ev.completed({ taskId: id }));
    const res = await post(`/tasks/${id}/cancel`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: "illegal_transition", details: { status: "completed" } });
  });

  it("retries only a failed task, into the next generation", async () => {
    const { id } = await submit();
    expect((await post(`/tasks/${id}/retry`)).statusCode).toBe(409);
    await failTask(id);
    const res = await post(`/tasks/${id}/retry`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: "submitted", attempts: 1 });
    expect((await ctx.history(id)).at(-1)).toMatchObject({ type: "TaskRetryRequested", gen: 2 });
  });

  it("chains onto a live parent, and refuses a cancelled or failed one", async () => {
    const parent = await submit();
    const res = await post(`/tasks/${parent.id}/chain`, { prompt: "Translate: {{parent.output}}" });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ parentId: parent.id, prompt: "Translate: {{parent.output}}" });
    expect((await ctx.history(res.json().id))[0]).toMatchObject({ type: "TaskChained", parentId: parent.id });

    const cancelled = await submit();
    await post(`/tasks/${cancelled.id}/cancel`);
    expect((await post(`/tasks/${cancelled.id}/chain`, { prompt: "x" })).statusCode).toBe(409);
    const failed = await submit();
    await failTask(failed.id);
    expect((await post(`/tasks/${failed.id}/chain`, { prompt: "x" })).statusCode).toBe(409);
    expect((await post(`/tasks/${randomUUID()}/chain`, { prompt: "x" })).statusCode).toBe(404);
  });

  it("refuses at once a chain whose rendered prompt would pass the limit, once the parent's output is known", async () => {
    const parent = await submit();
    await ctx.publish(ev.queued({ taskId: parent.id }));
    await ctx.publish(ev.completed({ taskId: parent.id, output: "o".repeat(600) }));
    const tooLong = await post(`/tasks/${parent.id}/chain`, { prompt: "{{parent.output}} {{parent.output}}" });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toEqual({
      code: "prompt_too_long",
      message: "the rendered prompt is 1201 characters; the limit is 1000",
    });
    expect((await post(`/tasks/${parent.id}/chain`, { prompt: "A: {{parent.output}}" })).statusCode).toBe(202);
  });

  it("serves a task's history from the stream", async () => {
    const { id } = await submit();
    await post(`/tasks/${id}/cancel`);
    const res = await get(`/tasks/${id}/events`);
    expect(res.statusCode).toBe(200);
    const { events } = res.json() as { events: { seq: number; type: string; payload: { taskId: string } }[] };
    expect(events.map((e) => e.type)).toEqual(["TaskSubmitted", "TaskCancelled"]);
    expect(events[0]?.seq).toBeLessThan(events[1]?.seq ?? 0);
    expect(events[1]?.payload.taskId).toBe(id);
  });
});

describe("tenants", () => {
  it("keeps tenants apart", async () => {
    const { id } = await submit({ prompt: "mine" }, { "x-tenant-id": "acme" });
    expect((await get(`/tasks/${id}`, { "x-tenant-id": "acme" })).statusCode).toBe(200);
    expect((await get(`/tasks/${id}`)).statusCode).toBe(404);
    expect((await get(`/tasks/${id}/events`, { "x-tenant-id": "other" })).statusCode).toBe(404);
    expect((await post(`/tasks/${id}/cancel`, undefined, { "x-tenant-id": "other" })).statusCode).toBe(404);
  });
});

describe("idempotency", () => {
  it("the same key gives the same task; a different body with it is a 422; keys are per tenant", async () => {
    const key = { "idempotency-key": `k-${randomUUID()}` };
    const first = await post("/tasks", { prompt: "once" }, key);
    const second = await post("/tasks", { prompt: "once" }, key);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json().id).toBe(first.json().id);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect((await ctx.history(first.json().id)).filter((e) => e.type === "TaskSubmitted")).toHaveLength(1);
    const conflict = await post("/tasks", { prompt: "different" }, key);
    expect(conflict.statusCode).toBe(422);
    expect(conflict.json().error.code).toBe("idempotency_key_reused");
    const otherTenant = await post("/tasks", { prompt: "once" }, { ...key, "x-tenant-id": "t2" });
    expect(otherTenant.json().id).not.toBe(first.json().id);
  });

  it("holds beyond JetStream's duplicate window: the key lives in KV, not in the stream's dedupe", async () => {
    const key = { "idempotency-key": `k-${randomUUID()}` };
    const first = (await post("/tasks", { prompt: "durable" }, key)).json();
    // A second gateway (as after a restart) sees the same key.
    const other = await buildApp({ ...ctx, now: () => new Date(Date.now() + 10 * 60_000) });
    const again = await other.inject({ method: "POST", url: "/tasks", payload: { prompt: "durable" }, headers: key });
    await other.close();
    expect(again.json().id).toBe(first.id);
  });

  it("applies to chains too", async () => {
    const parent = await submit();
    const key = { "idempotency-key": `k-${randomUUID()}` };
    const a = await post(`/tasks/${parent.id}/chain`, { prompt: "c" }, key);
    const b = await post(`/tasks/${parent.id}/chain`, { prompt: "c" }, key);
    expect(b.json().id).toBe(a.json().id);
  });
});

describe("listing", () => {
  it("filters by status and parent, and pages with a stable cursor", async () => {
    const tenant = { "x-tenant-id": `list-${randomUUID().slice(0, 8)}` };
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await submit({ prompt: `t${i}` }, tenant)).id);
    const parentId = ids[0] as string;
    const child = (await post(`/tasks/${parentId}/chain`, { prompt: "c" }, tenant)).json().id as string;
    await post(`/tasks/${ids[1]}/cancel`, undefined, tenant);
    // The read model is written by the projector; here the rows come from folding the stream into it.
    for (const id of [...ids, child])
      await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, id), ctx.log);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/tasks?limit=3${cursor ? `&cursor=${cursor}` : ""}`, tenant);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { tasks: { id: string }[]; nextCursor: string | null };
      expect(page.tasks.length).toBeLessThanOrEqual(3);
      seen.push(...page.tasks.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    const onePage = (await get("/tasks?limit=500", tenant)).json().tasks as {
      id: string;
      createdAt: string;
      quarantinedSeq: number | null;
    }[];
    expect(seen).toEqual(onePage.map((t) => t.id)); // pages join up into the one stable order
    // Nothing of these was quarantined (a list once said its row's index here).
    expect(onePage.map((t) => t.quarantinedSeq)).toEqual(onePage.map(() => null));
    const times = onePage.map((t) => Date.parse(t.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first

    const cancelled = (await get("/tasks?status=cancelled", tenant)).json().tasks as { id: string }[];
    expect(cancelled.map((t) => t.id)).toEqual([ids[1]]);
    const several = (await get("/tasks?status=cancelled,submitted&limit=500", tenant)).json().tasks;
    expect(several).toHaveLength(8);
    const children = (await get(`/tasks?parentId=${parentId}`, tenant)).json().tasks as { id: string }[];
    expect(children.map((t) => t.id)).toEqual([child]);
    const none = (await get(`/tasks?createdAfter=${new Date(Date.now() + 60_000).toISOString()}`, tenant)).json();
    expect(none.tasks).toEqual([]);
  });
});

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

type Case = [
  string,
  {
    method: "GET" | "POST" | "DELETE" | "PUT";
    url: string;
    payload?: string | object;
    headers?: Record<string, string | string[]>;
  },
  number,
  string,
];

describe("errors: every bad request is a 4xx JSON error and the service stays healthy", () => {
  const id = randomUUID();
  const json = { "content-type": "application/json" };
  const cases: Case[] = [
    ["malformed JSON", { method: "POST", url: "/tasks", payload: "{prompt:", headers: json }, 400, "malformed_json"],
    [
      "truncated JSON",
      { method: "POST", url: "/tasks", payload: '{"prompt": "x"', headers: json },
      400,
      "malformed_json",
    ],
    ["an empty JSON body", { method: "POST", url: "/tasks", payload: "", headers: json }, 400, "empty_body"],
    ["a JSON array", { method: "POST", url: "/tasks", payload: "[]", headers: json }, 400, "invalid_request"],
    ["JSON null", { method: "POST", url: "/tasks", payload: "null", headers: json }, 400, "invalid_request"],
    [
      "text/plain",
      { method: "POST", url: "/tasks", payload: "hi", headers: { "content-type": "text/plain" } },
      415,
      "unsupported_media_type",
    ],
    [
      "form data",
      {
        method: "POST",
        url: "/tasks",
        payload: "prompt=hi",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      415,
      "unsupported_media_type",
    ],
    [
      "a body past MAX_REQUEST_BYTES (32 MiB)",
      { method: "POST", url: "/tasks", payload: { prompt: "x".repeat(32 * 1024 * 1024) } },
      413,
      "payload_too_large",
    ],
    ["no prompt", { method: "POST", url: "/tasks", payload: {} }, 400, "invalid_request"],
    ["an empty prompt", { method: "POST", url: "/tasks", payload: { prompt: "" } }, 400, "invalid_request"],
    ["a numeric prompt", { method: "POST", url: "/tasks", payload: { prompt: 42 } }, 400, "invalid_request"],
    [
      "a prompt over the limit",
      { method: "POST", url: "/tasks", payload: { prompt: "x".repeat(1001) } },
      400,
      "prompt_too_long",
    ],
    [
      "an unknown field",
      { method: "POST", url: "/tasks", payload: { prompt: "x", colour: "red" } },
      400,
      "invalid_request",
    ],
    [
      "negative maxTokens",
      { method: "POST", url: "/tasks", payload: { prompt: "x", maxTokens: -1 } },
      400,
      "invalid_request",
    ],
    [
      "fractional maxTokens",
      { method: "POST", url: "/tasks", payload: { prompt: "x", maxTokens: 1.5 } },
      400,
      "invalid_request",
    ],
    [
      "temperature 2",
      { method: "POST", url: "/tasks", payload: { prompt: "x", temperature: 2 } },
      400,
      "invalid_request",
    ],
    [
      "a runAt that is not a date",
      { method: "POST", url: "/tasks", payload: { prompt: "x", runAt: "tomorrow" } },
      400,
      "invalid_request",
    ],
    [
      "a runAt without a zone",
      { method: "POST", url: "/tasks", payload: { prompt: "x", runAt: "2030-01-01T00:00:00" } },
      400,
      "invalid_request",
    ],
    [
      "runAt and delaySeconds",
      { method: "POST", url: "/tasks", payload: { prompt: "x", runAt: "2030-01-01T00:00:00Z", delaySeconds: 5 } },
      400,
      "invalid_request",
    ],
    [
      "negative delaySeconds",
      { method: "POST", url: "/tasks", payload: { prompt: "x", delaySeconds: -5 } },
      400,
      "invalid_request",
    ],
    [
      "maxAttempts 0",
      { method: "POST", url: "/tasks", payload: { prompt: "x", maxAttempts: 0 } },
      400,
      "invalid_request",
    ],
    [
      "timeoutSeconds as a string",
      { method: "POST", url: "/tasks", payload: { prompt: "x", timeoutSeconds: "10" } },
      400,
      "invalid_request",
    ],
    [
      "metadata as an array",
      { method: "POST", url: "/tasks", payload: { prompt: "x", metadata: [1] } },
      400,
      "invalid_request",
    ],
    [
      "a bad tenant header",
      { method: "POST", url: "/tasks", payload: { prompt: "x" }, headers: { "x-tenant-id": "no spaces allowed" } },
      400,
      "invalid_tenant",
    ],
    [
      "a bad idempotency key",
      { method: "POST", url: "/tasks", payload: { prompt: "x" }, headers: { "idempotency-key": "é".repeat(3) } },
      400,
      "invalid_idempotency_key",
    ],
    ["a non-UUID id", { method: "GET", url: "/tasks/not-a-uuid" }, 400, "invalid_request"],
    ["a non-UUID id on cancel", { method: "POST", url: "/tasks/123/cancel" }, 400, "invalid_request"],
    ["an unknown task", { method: "GET", url: `/tasks/${id}` }, 404, "not_found"],
    ["an unknown task's history", { method: "GET", url: `/tasks/${id}/events` }, 404, "not_found"],
    ["cancelling an unknown task", { method: "POST", url: `/tasks/${id}/cancel` }, 404, "not_found"],
    ["retrying an unknown task", { method: "POST", url: `/tasks/${id}/retry` }, 404, "not_found"],
    [
      "a cancel reason too long",
      { method: "POST", url: `/tasks/${id}/cancel`, payload: { reason: "r".repeat(501) } },
      400,
      "invalid_request",
    ],
    ["a list limit over 500", { method: "GET", url: "/tasks?limit=501" }, 400, "invalid_request"],
    ["an unknown status filter", { method: "GET", url: "/tasks?status=done" }, 400, "invalid_request"],
    ["a bad cursor", { method: "GET", url: "/tasks?cursor=garbage" }, 400, "invalid_cursor"],
    ["an unknown query parameter", { method: "GET", url: "/tasks?sort=asc" }, 400, "invalid_request"],
    ["an unknown route", { method: "GET", url: "/nope" }, 404, "route_not_found"],
    ["a wrong method", { method: "PUT", url: "/tasks" }, 404, "route_not_found"],
    ["a compat status with a bad id", { method: "GET", url: "/status/abc" }, 400, "invalid_request"],
    ["a compat submit without a prompt", { method: "POST", url: "/submit", payload: {} }, 400, "invalid_request"],
    // What the read model cannot store is refused here, not found later by the projector.
    ...(
      [
        ["a NUL in the prompt", { prompt: "nul\u0000byte" }],
        ["a NUL in system", { prompt: "x", system: "s\u0000" }],
        ["a NUL in model", { prompt: "x", model: "m\u0000" }],
        ["a NUL in a metadata key", { prompt: "x", metadata: { "k\u0000": 1 } }],
        ["a NUL in a metadata value, deep down", { prompt: "x", metadata: { a: [{ b: "v\u0000" }] } }],
        ["a lone surrogate in metadata", { prompt: "x", metadata: { a: "\ud800" } }],
        ["a runAt in year 0", { prompt: "x", runAt: "0000-01-01T00:00:00Z" }],
        ["a runAt before 1970", { prompt: "x", runAt: "1969-12-31T23:59:59Z" }],
        ["metadata 11 levels deep", { prompt: "x", metadata: nested(11) }],
        ["metadata over 16 KiB", { prompt: "x", metadata: { a: "x".repeat(16 * 1024) } }],
        ["a metadata key over 256 characters", { prompt: "x", metadata: { ["k".repeat(257)]: 1 } }],
      ] satisfies [string, object][]
    ).map(([what, payload]): Case => [what, { method: "POST", url: "/tasks", payload }, 400, "invalid_request"]),
    [
      "metadata nested 5,000 deep",
      { method: "POST", url: "/tasks", payload: `{"prompt":"x","metadata":${nestedJson(5000)}}`, headers: json },
      400,
      "invalid_request",
    ],
    [
      "a NUL in a cancel reason",
      { method: "POST", url: `/tasks/${id}/cancel`, payload: { reason: "r\u0000" } },
      400,
      "invalid_request",
    ],
    [
      "a createdAfter in year 0",
      { method: "GET", url: "/tasks?createdAfter=0000-01-01T00:00:00Z" },
      400,
      "invalid_request",
    ],
    // `.`, `*` and `>` are NATS subject syntax; a header given twice arrives joined ("a, b") or as an array.
    ...[".", "a*", ">", "acme.prod", "a, b", ["a", "b"]].flatMap((tenant): Case[] => [
      [
        `tenant ${JSON.stringify(tenant)} on submit`,
        { method: "POST", url: "/tasks", payload: { prompt: "x" }, headers: { "x-tenant-id": tenant } },
        400,
        "invalid_tenant",
      ],
      [
        `tenant ${JSON.stringify(tenant)} on the compat recent list`,
        { method: "GET", url: "/tasks/recent", headers: { "x-tenant-id": tenant } },
        400,
        "invalid_tenant",
      ],
    ]),
    // The first is issue 11's: {"c":"1","i":"x"}, which Postgres refused with 22007 / 22P02.
    ...(
      [
        ["a cursor whose date is not a date", { c: "1", i: "x" }],
        ["a cursor with a bad id", { c: "2026-01-01T00:00:00.000Z", i: "not-a-uuid" }],
        ["a cursor in year 0", { c: "0000-01-01T00:00:00.000Z", i: randomUUID() }],
        ["a cursor that is a JSON string", "x"],
      ] satisfies [string, unknown][]
    ).map(
      ([what, cursor]): Case => [what, { method: "GET", url: `/tasks?cursor=${b64(cursor)}` }, 400, "invalid_cursor"],
    ),
  ];

  it.each(cases)("%s", async (_what, req, status, code) => {
    const res = await app.inject(req);
    expect(res.statusCode).toBe(status);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    expect(res.json().error.code).toBe(code);
    expect(typeof res.json().error.message).toBe("string");
  });

  it("is still healthy and ready after all of them", async () => {
    expect((await get("/health")).statusCode).toBe(200);
    expect((await get("/ready")).statusCode).toBe(200);
  });
});

describe("docs and operations", () => {
  it("publishes a valid OpenAPI 3 document listing every route", async () => {
    const doc = (await get("/openapi.json")).json();
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        "POST /tasks",
        "GET /tasks",
        "GET /tasks/{id}",
        "GET /tasks/{id}/events",
        "GET /tasks/{id}/stream",
        "POST /tasks/{id}/chain",
        "POST /tasks/{id}/cancel",
        "POST /tasks/{id}/retry",
        "POST /tasks/batch",
        "POST /tasks/cancel",
        "POST /tasks/retry",
        "GET /health",
        "GET /ready",
        "POST /submit",
        "GET /status/{id}",
        "DELETE /cancel/{id}",
        "GET /tasks/recent",
        "GET /stats",
        "GET /admin/quarantine",
        "POST /admin/keys",
        "GET /admin/keys",
        "DELETE /admin/keys/{id}",
        "GET /admin/tenants/{tenant}",
        "PUT /admin/tenants/{tenant}",
        "POST /ws-tickets",
        "POST /webhooks",
        "GET /webhooks",
        "POST /webhooks/task-secret",
        "GET /webhooks/{id}",
        "PATCH /webhooks/{id}",
        "DELETE /webhooks/{id}",
        "GET /webhooks/{id}/deliveries",
        "GET /tasks/{id}/deliveries",
        "POST /schedules",
        "GET /schedules",
        "GET /schedules/{id}",
        "PATCH /schedules/{id}",
        "DELETE /schedules/{id}",
      ].sort(),
    );
    expect(doc.paths["/tasks"].post.responses).toHaveProperty("400");
    expect((await get("/docs/")).statusCode).toBe(200);
  });

  it("keeps or makes an X-Request-Id", async () => {
    const given = await get("/health", { "x-request-id": "abc-123" });
    expect(given.headers["x-request-id"]).toBe("abc-123");
    const made = await get("/health");
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("exposes Prometheus metrics: latency by route, tasks submitted, errors by code, projector lag", async () => {
    await submit();
    await get("/tasks/not-a-uuid");
    const text = (await get("/metrics")).body;
    expect(text).toMatch(/taskjet_http_request_duration_seconds_bucket\{.*route="\/tasks".*\}/);
    expect(text).toMatch(/taskjet_tasks_submitted_total [1-9]/);
    expect(text).toMatch(/taskjet_http_errors_total\{code="invalid_request"\} [1-9]/);
    expect(text).toMatch(/taskjet_projector_lag_events \d+/);
  });
});

describe("compatibility with the Celery-based service", () => {
  it("replays its walk-through: submit, status PENDING → SUCCESS, cancel, recent", async () => {
    const submitted = await post("/submit", { prompt: "What is Docker?" });
    expect(submitted.statusCode).toBe(200);
    const { task_id, status, message } = submitted.json();
    expect({ status, message }).toEqual({ status: "PENDING", message: "Task submitted successfully" });

    expect((await get(`/status/${task_id}`)).json()).toEqual({ task_id, status: "PENDING", result: null });
    await ctx.publish(ev.queued({ taskId: task_id, input: { ...ev.queued().input, prompt: "What is Docker?" } }));
    await ctx.publish(ev.started({ taskId: task_id }));
    expect((await get(`/status/${task_id}`)).json().status).toBe("PROCESSING");
    await ctx.publish(ev.completed({ taskId: task_id, output: "Docker is a container platform." }));
    const done = (await get(`/status/${task_id}`)).json();
    expect(done).toMatchObject({
      task_id,
      status: "SUCCESS",
      result: {
        response: "Docker is a container platform.",
        prompt: "What is Docker?",
        prompt_length: 15,
        response_length: 31,
        task_id,
      },
    });

    const other = (await post("/submit", { prompt: "cancel me" })).json().task_id;
    const recent = (await get("/tasks/recent")).json();
    expect(Array.isArray(recent.tasks)).toBe(true);
    const cancelled = await app.inject({ method: "DELETE", url: `/cancel/${other}` });
    expect(cancelled.json()).toEqual({ task_id: other, status: "REVOKED", message: "Task cancelled" });
    expect((await get(`/status/${other}`)).json().status).toBe("REVOKED");
  });
});
