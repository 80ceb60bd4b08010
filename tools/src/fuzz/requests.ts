import fc from "fast-check";
import { cursorArb, deepJson, hostileDate, hostileString, idArb, pctEncode, wrongValue } from "./values.ts";

/** One HTTP request as bytes go on the wire, so headers may repeat, lie or break the rules. */
export type RawRequest = {
  /** Which generator made it (for the table and for reproducing). */
  label: string;
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer | null;
  /** Sends the body in `pieces`, `delayMs` apart (bounded: at most ~2.5 s in all). */
  trickle: { pieces: number; delayMs: number } | null;
  /** Sends only half the declared body and stops: the server must answer or close on its own. */
  stall: boolean;
};

const JSON_CT: [string, string] = ["content-type", "application/json"];

const contentType = fc.oneof(
  { arbitrary: fc.constant([JSON_CT]), weight: 12 },
  {
    arbitrary: fc
      .constantFrom(
        "application/json; charset=utf-8",
        "application/json; charset=utf-16",
        "application/json; charset=latin1",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json, text/plain",
        "application/problem+json",
        "",
        "*/*",
        "application/json\u00e9",
      )
      .map((v) => [["content-type", v]] as [string, string][]),
    weight: 3,
  },
  { arbitrary: fc.constant([] as [string, string][]), weight: 1 },
  {
    arbitrary: fc.constant([JSON_CT, ["content-type", "text/plain"]] as [string, string][]),
    weight: 1,
  },
);

const tenantHeader = fc.oneof(
  { arbitrary: fc.constant([] as [string, string][]), weight: 8 },
  { arbitrary: fc.constant([["x-tenant-id", "fuzz"]] as [string, string][]), weight: 4 },
  {
    arbitrary: fc
      .constantFrom(".", "a*", "", " ", "-a", "x".repeat(65), "tenant with space", "ténant", "a\tb", "default,other")
      .map((v) => [["x-tenant-id", v]] as [string, string][]),
    weight: 3,
  },
  {
    arbitrary: fc.constant([
      ["x-tenant-id", "fuzz"],
      ["x-tenant-id", "other"],
    ] as [string, string][]),
    weight: 2,
  },
);

const idempotencyHeader = fc.oneof(
  { arbitrary: fc.constant([] as [string, string][]), weight: 6 },
  { arbitrary: fc.uuid().map((k) => [["idempotency-key", k]] as [string, string][]), weight: 4 },
  { arbitrary: fc.constant([["idempotency-key", "fuzz-shared-key"]] as [string, string][]), weight: 2 },
  {
    arbitrary: fc
      .constantFrom("", " ", "k".repeat(256), "ключ", "a b", "k\u007f")
      .map((v) => [["idempotency-key", v]] as [string, string][]),
    weight: 2,
  },
  {
    arbitrary: fc.constant([
      ["idempotency-key", "a"],
      ["idempotency-key", "b"],
    ] as [string, string][]),
    weight: 1,
  },
);

const otherHeaders = fc.oneof(
  { arbitrary: fc.constant([] as [string, string][]), weight: 10 },
  {
    arbitrary: fc
      .constantFrom<[string, string]>(
        ["x-request-id", "r".repeat(500)],
        ["x-request-id", "ид"],
        ["accept", "text/html"],
        ["accept-encoding", "gzip, br, zstd"],
        ["expect", "100-continue"],
        ["traceparent", "00-zzzz-zzzz-01"],
        ["x-forwarded-for", "::1, 999.999.999.999"],
        ["connection", "keep-alive, upgrade"],
      )
      .map((h) => [h]),
    weight: 2,
  },
);

/** A body for creating a task: valid fields, wrong ones, hostile ones, unknown ones, in any mix. */
const createFields = fc.record(
  {
    prompt: fc.oneof({ arbitrary: fc.constant("fuzz prompt"), weight: 3 }, hostileString, wrongValue),
    system: fc.oneof(hostileString, wrongValue),
    model: fc.oneof(fc.constant("claude-sonnet-4-5"), hostileString, wrongValue),
    maxTokens: fc.oneof(fc.integer({ min: 1, max: 200_000 }), wrongValue),
    temperature: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), wrongValue),
    runAt: fc.oneof(hostileDate, wrongValue),
    delaySeconds: fc.oneof(fc.integer({ min: 0, max: 10 }), wrongValue),
    maxAttempts: fc.oneof(fc.integer({ min: 1, max: 100 }), wrongValue),
    timeoutSeconds: fc.oneof(fc.integer({ min: 1, max: 86_400 }), wrongValue),
    metadata: fc.oneof(
      fc.dictionary(
        hostileString.map((s) => s.slice(0, 200)),
        fc.oneof(hostileString, fc.jsonValue()),
        {
          maxKeys: 6,
        },
      ),
      wrongValue,
    ),
    unknownField: wrongValue,
  },
  { requiredKeys: [] },
);

/** Bodies that pass the schema's types, with hostile contents: where a value the store cannot hold gets in. */
const nearlyValidFields = fc.record(
  {
    prompt: fc.oneof(
      fc.constant("fuzz prompt"),
      hostileString.filter((x) => x.length > 0),
    ),
    system: hostileString,
    model: hostileString.map((x) => x.slice(0, 200)).filter((x) => x.length > 0),
    maxTokens: fc.integer({ min: 1, max: 200_000 }),
    runAt: hostileDate,
    delaySeconds: fc.integer({ min: 0, max: 10 }),
    metadata: fc.dictionary(
      hostileString.map((x) => x.slice(0, 200)),
      fc.oneof(hostileString, fc.jsonValue({ maxDepth: 4 })),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ["prompt"] },
);

/** The body as bytes: JSON of the fields mostly, else deep, huge, malformed, not UTF-8, or empty. */
const createBody = fc.oneof(
  { arbitrary: createFields.map((o) => Buffer.from(JSON.stringify(o))), weight: 12 },
  { arbitrary: nearlyValidFields.map((o) => Buffer.from(JSON.stringify(o))), weight: 10 },
  {
    arbitrary: fc
      .constantFrom(100, 1000, 5000, 20_000)
      .map((d) => Buffer.from(`{"prompt":"deep","metadata":${deepJson(d)}}`)),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(100, 5000)
      .map((d) => Buffer.from(`{"prompt":"arr","metadata":{"a":${deepJson(d, "[", "]")}}}`)),
    weight: 1,
  },
  {
    arbitrary: fc.constant(
      Buffer.from(
        `{"prompt":"wide","metadata":{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(",")}}}`,
      ),
    ),
    weight: 1,
  },
  { arbitrary: fc.constant(Buffer.from(`{"prompt":"${"x".repeat(1_100_000)}"}`)), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(
        "{",
        '{"prompt":',
        "null",
        "[]",
        '"str"',
        "1",
        '{"prompt":"x"}garbage',
        '\ufeff{"prompt":"x"}',
        '{"prompt":"x","prompt":"y"}',
        '{"__proto__":{"polluted":true},"prompt":"x"}',
        '{"constructor":{"prototype":{"x":1}},"prompt":"x"}',
        '{"prompt":"\\ud800"}',
        '{"prompt":"\\u0000"}',
        '{"prompt":"x","metadata":{"\\u0000":"v"}}',
        '{"prompt":"x","metadata":{"k":"\\u0000"}}',
        '{"prompt":"x","runAt":"0000-01-01T00:00:00Z"}',
        '{"prompt":1e999}',
      )
      .map((s) => Buffer.from(s)),
    weight: 4,
  },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), weight: 1 },
  { arbitrary: fc.constant(Buffer.from([0x7b, 0x22, 0x70, 0xff, 0xfe, 0x22, 0x7d])), weight: 1 },
  { arbitrary: fc.constant(Buffer.alloc(0)), weight: 1 },
);

const cancelBody = fc.oneof(
  fc.constant(null),
  fc
    .record({ reason: fc.oneof(hostileString, wrongValue) }, { requiredKeys: [] })
    .map((o) => Buffer.from(JSON.stringify(o))),
  wrongValue.map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
  createBody,
);

/** `?k=v&…` for GET /tasks: every filter, repeated, hostile, encoded or raw. */
const listQuery = fc
  .array(
    fc.oneof(
      fc.tuple(
        fc.constant("status"),
        fc.oneof(
          fc.constantFrom("completed", "completed,failed", "completed,,", ",", "COMPLETED", "queued,nope", ""),
          hostileString,
        ),
      ),
      fc.tuple(fc.constant("parentId"), fc.oneof(fc.uuid(), hostileString)),
      fc.tuple(fc.constantFrom("createdAfter", "createdBefore"), hostileDate),
      fc.tuple(
        fc.constant("limit"),
        fc.oneof(fc.constantFrom("0", "1", "500", "501", "-1", "1e3", "0x10", "1.5", "NaN", ""), hostileString),
      ),
      fc.tuple(fc.constant("cursor"), cursorArb),
      fc.tuple(
        hostileString.map((s) => s.slice(0, 50)),
        hostileString.map((s) => s.slice(0, 200)),
      ),
    ),
    { maxLength: 6 },
  )
  .chain((pairs) =>
    fc
      .boolean()
      .map((raw) =>
        pairs.length === 0
          ? ""
          : `?${pairs.map(([k, v]) => (raw ? `${k}=${v}` : `${pctEncode(k)}=${pctEncode(v)}`)).join("&")}`,
      ),
  );

type Parts = Omit<RawRequest, "label" | "trickle" | "stall" | "headers"> & { headers?: [string, string][] };

/** Every route of the gateway, each with its own hostile inputs; `extraPaths` come from /openapi.json. */
export function routeArb(known: string[], extraPaths: string[]): fc.Arbitrary<Parts & { label: string }> {
  const id = idArb(known);
  const route = (label: string, arb: fc.Arbitrary<Parts>, weight: number) => ({
    arbitrary: arb.map((p) => ({ ...p, label })),
    weight,
  });
  const anyMethod = fc.constantFrom("PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO");
  const routes = [
    route(
      "POST /tasks",
      createBody.map((body) => ({ method: "POST", path: "/tasks", body })),
      20,
    ),
    route(
      "GET /tasks",
      listQuery.map((q) => ({ method: "GET", path: `/tasks${q}`, body: null })),
      10,
    ),
    route(
      "GET /tasks/:id",
      id.map((i) => ({ method: "GET", path: `/tasks/${i}`, body: null })),
      6,
    ),
    route(
      "GET /tasks/:id/events",
      id.map((i) => ({ method: "GET", path: `/tasks/${i}/events`, body: null })),
      4,
    ),
    route(
      "POST /tasks/:id/chain",
      fc.tuple(id, createBody).map(([i, body]) => ({ method: "POST", path: `/tasks/${i}/chain`, body })),
      8,
    ),
    route(
      "POST /tasks/:id/cancel",
      fc.tuple(id, cancelBody).map(([i, body]) => ({ method: "POST", path: `/tasks/${i}/cancel`, body })),
      5,
    ),
    route(
      "POST /tasks/:id/retry",
      fc.tuple(id, fc.option(createBody)).map(([i, body]) => ({ method: "POST", path: `/tasks/${i}/retry`, body })),
      3,
    ),
    route(
      "ops",
      fc
        .constantFrom("/health", "/ready", "/metrics", "/docs", "/docs/", "/openapi.json", "/docs/json")
        .map((path) => ({ method: "GET", path, body: null })),
      3,
    ),
    route(
      "POST /submit",
      createBody.map((body) => ({ method: "POST", path: "/submit", body })),
      4,
    ),
    route(
      "GET /status/:id",
      id.map((i) => ({ method: "GET", path: `/status/${i}`, body: null })),
      3,
    ),
    route(
      "DELETE /cancel/:id",
      fc.tuple(id, fc.option(cancelBody)).map(([i, body]) => ({ method: "DELETE", path: `/cancel/${i}`, body })),
      3,
    ),
    route("GET /tasks/recent", fc.constant({ method: "GET", path: "/tasks/recent", body: null }), 4),
    route(
      "GET /ws (upgrade)",
      fc.tuple(fc.option(id), fc.constantFrom("13", "8", "", "13, 8"), fc.boolean()).map(([i, version, goodKey]) => ({
        method: "GET",
        path: i === null ? "/ws" : `/ws?taskId=${i}`,
        body: null,
        headers: [
          ["upgrade", "websocket"],
          ["connection", "Upgrade"],
          ["sec-websocket-version", version],
          ["sec-websocket-key", goodKey ? "dGhlIHNhbXBsZSBub25jZQ==" : "short"],
        ] as [string, string][],
      })),
      3,
    ),
    route(
      "wrong method",
      fc
        .tuple(anyMethod, fc.constantFrom("/tasks", "/tasks/x", `/tasks/${known[0]}`, "/submit", "/ws", "/metrics"))
        .map(([method, path]) => ({ method, path, body: null })),
      2,
    ),
    route(
      "odd path",
      fc
        .constantFrom(
          "/",
          "//tasks",
          "/tasks/",
          "/tasks?",
          "/tasks#x",
          "/TASKS",
          "/tasks/%",
          "/tasks/%00/events",
          "/tasks/../tasks",
          `/${"a".repeat(8000)}`,
          "*",
          "http://127.0.0.1/tasks",
        )
        .map((path) => ({ method: "GET", path, body: null })),
      2,
    ),
  ];
  if (extraPaths.length > 0) {
    routes.push(
      route(
        "openapi path",
        fc
          .tuple(fc.constantFrom(...extraPaths), id, fc.constantFrom("GET", "POST", "DELETE"), fc.option(createBody))
          .map(([p, i, method, body]) => ({ method, path: p.replace(/\{[^}]+\}/g, i), body })),
        4,
      ),
    );
  }
  return fc.oneof(...routes);
}

/** A whole request: a route, its headers, and sometimes a trickled body. */
export function requestArb(known: string[], extraPaths: string[]): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      route: routeArb(known, extraPaths),
      ct: contentType,
      tenant: tenantHeader,
      key: idempotencyHeader,
      other: otherHeaders,
      // One request in fifty sends its body in pieces, up to 8 × 300 ms apart.
      trickle: fc.oneof(
        { arbitrary: fc.constant(null), weight: 49 },
        {
          arbitrary: fc.record({ pieces: fc.integer({ min: 2, max: 8 }), delayMs: fc.integer({ min: 20, max: 300 }) }),
          weight: 1,
        },
      ),
      chunked: fc.boolean(),
    })
    .map(({ route, ct, tenant, key, other, trickle, chunked }) => {
      const body = route.body;
      const headers: [string, string][] = [
        ...(route.headers ?? []),
        ...(body ? ct : []),
        ...tenant,
        ...(route.method === "POST" ? key : []),
        ...other,
      ];
      if (body && chunked && trickle) headers.push(["transfer-encoding", "chunked"]);
      return {
        label: route.label,
        method: route.method,
        path: route.path,
        headers,
        body,
        trickle: body && trickle ? trickle : null,
        stall: false,
      };
    });
}
