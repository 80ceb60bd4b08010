import { LaneLimits, LIMITS, PriceOverride } from "@taskjet/events";
import { z } from "zod";

const seconds = z.coerce.number().nonnegative();

/** JSON in an environment variable, checked against `schema`; a parse error names the variable's problem. */
const json = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `must be JSON: ${(err as Error).message}` });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** The whole environment contract in one schema: every service parses it once at start. */
const Env = z.object({
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  // NATS credentials: a user and password, a token, or a creds file (a JWT with its nkey seed). None by default.
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  NATS_TOKEN: z.string().min(1).optional(),
  NATS_CREDS: z.string().min(1).optional(),
  DATABASE_URL: z.url().default("postgres://postgres@127.0.0.1:5432/taskjet"),
  TASKJET_NAMESPACE: z.string().default(""),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `pretty`: one readable line per event (pino-pretty); `json`: for collectors; `auto`: pretty on a terminal. */
  LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
  LLM_PROVIDER: z.enum(["anthropic", "openai", "fake"]).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  DEFAULT_MODEL: z.string().min(1).default("claude-sonnet-4-6"),
  DEFAULT_MAX_TOKENS: z.coerce.number().int().positive().default(1024),
  DEFAULT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  DEFAULT_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(600),
  MAX_PROMPT_CHARS: z.coerce.number().int().positive().default(200_000),
  // A fan-in task's parents (`parentIds`) at most, and how many generations of parents a task may sit under.
  FANIN_MAX_PARENTS: z.coerce.number().int().positive().default(100),
  CHAIN_MAX_DEPTH: z.coerce.number().int().positive().default(50),
  // Claim check: a task input or reply larger than this as JSON goes to the object store (`<prefix>_bodies`) and
  // its events carry a reference. 256 KiB: well under NATS's default 1 MiB max_payload, so events stay small.
  CLAIM_CHECK_BYTES: z.coerce.number().int().positive().default(LIMITS.claimCheckBytes),
  // The largest request body the gateway reads: 32 MiB, Anthropic's own request limit.
  MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  EXECUTOR_CONCURRENCY: z.coerce.number().int().positive().default(256),
  EXECUTOR_ID: z.string().optional(),
  ACK_WAIT_SECONDS: seconds.default(30),
  // Short: what a killed scheduler held (a timer that had just come due) reaches another instance after this.
  SCHEDULER_ACK_WAIT_SECONDS: seconds.positive().default(5),
  SHUTDOWN_GRACE_SECONDS: seconds.default(20),
  // How long a starting service waits for NATS or Postgres to answer before it gives up.
  STARTUP_WAIT_SECONDS: seconds.default(60),
  // Flow control. Limits per model lane (`<provider>/<model>`, or `*` for every lane) per window, as JSON:
  // {"anthropic/claude-sonnet-4-5":{"requests":50,"inputTokens":30000,"outputTokens":8000,"concurrency":20}}.
  // What the provider's anthropic-ratelimit-* headers say lowers them at run time; absent, a lane learns them.
  LANE_LIMITS: json(z.record(z.string(), LaneLimits.partial())).default({}),
  // Prices (USD per million tokens) over the table in the repo (libs/events/src/prices.ts), as JSON: a row per
  // model id or prefix `*` replaces the default row of that key; without cache columns it takes 1.25× and 0.1×
  // input. {"models":{"claude-sonnet-4-5*":{"input":2.5,"output":12}},"batchDiscount":0.5,"version":"contract-1"}
  PRICE_TABLE: json(PriceOverride).optional(),
  // The window those limits are counted over: a minute at Anthropic.
  LANE_WINDOW_SECONDS: seconds.positive().default(60),
  // A task waiting this long in its lane moves up one priority, so low priority is never starved for ever. Long
  // beside a call: a new `high` task goes before every `normal` one that has waited less than this.
  PRIORITY_AGING_SECONDS: seconds.positive().default(600),
  // Queued tasks one executor holds for admission (beyond those running): what priorities and fairness choose from.
  EXECUTOR_MAX_HELD: z.coerce.number().int().positive().default(5000),
  // Message Batches (mode: batch): tasks of one provider and model are collected for up to BATCH_WINDOW_MS or
  // BATCH_MAX_REQUESTS and sent as one batch; each batch is polled every BATCH_POLL_MS (default 30 s; 1 s with the
  // fake provider, whose batches end at once). Anthropic takes 100,000
  // requests a batch; here at most 10,000, so that a batch's record (in NATS KV) stays inside one message.
  BATCH_WINDOW_MS: z.coerce.number().int().positive().default(2000),
  BATCH_MAX_REQUESTS: z.coerce.number().int().positive().max(10_000).default(1000),
  BATCH_POLL_MS: z.coerce.number().int().positive().optional(),
  // Where a service serves Prometheus /metrics of its own (the executor; the gateway has /metrics on PORT). 0 = off.
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  FAKE_LLM_LATENCY_MS: z.coerce.number().int().nonnegative().default(50),
  FAKE_LLM_REPLY_CHARS: z.coerce.number().int().nonnegative().default(0),
  STREAM_MAX_AGE_SECONDS: seconds.default(0),
  // How long a finished task's events stay in the stream; the read model keeps the task. 0 = for ever.
  FINISHED_HISTORY_SECONDS: seconds.default(0),
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  OUTPUT_MAX_AGE_SECONDS: seconds.positive().default(3600),
  PROJECTOR_BATCH: z.coerce.number().int().positive().max(10_000).default(1000),
  PROJECTOR_LEASE_SECONDS: seconds.positive().default(10),
  WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  // Task ids one WebSocket may follow at once (a subscribe message names at most 1,000).
  WS_MAX_TASK_IDS: z.coerce.number().int().positive().default(10_000),
  // Reads of the stream (task histories, folds of tasks the read model lacks) one gateway runs at once; beyond,
  // a read waits up to STREAM_READ_WAIT_MS for a slot, then is answered 503 busy with Retry-After.
  STREAM_READ_CONCURRENCY: z.coerce.number().int().positive().default(16),
  STREAM_READ_WAIT_MS: z.coerce.number().int().nonnegative().default(1000),
  // Events one GET /tasks/:id/events returns at most (`truncated` and `afterSeq` page through the rest).
  HISTORY_MAX_EVENTS: z.coerce.number().int().positive().max(10_000).default(1000),
  // A request (headers and body) must arrive within this, so a body trickled byte by byte cannot hold a connection.
  HTTP_REQUEST_TIMEOUT_SECONDS: seconds.positive().default(30),
  // Requests per second one API key (or, without keys, one tenant) may make, shared by every gateway; bursts
  // of RATE_LIMIT_BURST (0: one second's worth) pass at once. A key's own `limits` override it. 0 = unlimited.
  RATE_LIMIT_RPS: z.coerce.number().nonnegative().default(0),
  RATE_LIMIT_BURST: z.coerce.number().int().nonnegative().default(0),
  // Requests per second one tenant may make over all its keys together (with auth off: over all its callers),
  // checked with the key's own bucket, so N keys cannot make N times a tenant's rate; bursts of
  // RATE_LIMIT_TENANT_BURST (0: one second's worth). 0 = no tenant total.
  RATE_LIMIT_TENANT_RPS: z.coerce.number().nonnegative().default(0),
  RATE_LIMIT_TENANT_BURST: z.coerce.number().int().nonnegative().default(0),
  // Tasks one tenant may have in flight (submitted, not yet finished); a key's own `limits` override it. 0 = unlimited.
  TASKS_IN_FLIGHT_LIMIT: z.coerce.number().int().nonnegative().default(0),
  // How long a gateway reuses a tenant's in-flight count from the read model before it asks again.
  TASKS_IN_FLIGHT_CACHE_MS: z.coerce.number().int().nonnegative().default(250),
  // Requests one gateway works on at once (health, readiness, metrics and long-lived streams aside); beyond,
  // 503 overloaded with Retry-After at once rather than a queue that grows without bound. 0 = unbounded.
  MAX_REQUESTS_IN_PROGRESS: z.coerce.number().int().nonnegative().default(1000),
  // Tracing (OpenTelemetry, the SDK's own variable names): off unless an OTLP endpoint or an exporter is named.
  // OTEL_SERVICE_NAME defaults to the service's name; the sampler (OTEL_TRACES_SAMPLER), the batch processor
  // (OTEL_BSP_*) and the exporter's headers and timeout (OTEL_EXPORTER_OTLP_HEADERS, …) are read by the SDK.
  OTEL_SDK_DISABLED: z.stringbool().default(false),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "console", "none"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  // The built console the gateway serves at `/`; empty means the repo's `web/dist`, a relative path is from the repo.
  CONSOLE_DIR: z.string().default(""),
  // `required`: every API call needs `Authorization: Bearer <key>`; `off`: the tenant comes from X-Tenant-Id.
  // Unset: off when HOST is loopback only (127.0.0.1, ::1, localhost), else required.
  AUTH_MODE: z.enum(["required", "off"]).optional(),
  // An admin key (`tj_<id>_<secret>`, e.g. tj_admin_$(openssl rand -hex 24)) the gateway stores at start.
  BOOTSTRAP_ADMIN_KEY: z
    .string()
    .regex(/^tj_[a-z0-9]{4,32}_[A-Za-z0-9_-]{32,200}$/, "must look like tj_<id>_<secret of 32+ characters>")
    .optional(),
  // Outbound webhooks. Hosts whose URLs may resolve to loopback, private, link-local or CGNAT addresses (comma
  // list of host names or IPs, e.g. "127.0.0.1,hooks.internal"); every other such URL is refused (SSRF).
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h.length > 0),
    ),
  // A failed delivery is tried again after WEBHOOK_RETRY_BASE_MS, doubling up to WEBHOOK_RETRY_MAX_MS, until
  // WEBHOOK_GIVE_UP_SECONDS have passed since its first try (a day). Each try waits WEBHOOK_TIMEOUT_MS at most.
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(5000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().positive().default(900_000),
  WEBHOOK_GIVE_UP_SECONDS: seconds.positive().default(86_400),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  // Deliveries one scheduler makes at once.
  WEBHOOK_CONCURRENCY: z.coerce.number().int().positive().default(64),
  // The tenant of the bootstrap admin key.
  BOOTSTRAP_ADMIN_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .default("default"),
});

export type Config = Omit<z.infer<typeof Env>, "LLM_PROVIDER" | "AUTH_MODE"> & {
  LLM_PROVIDER: "anthropic" | "openai" | "fake";
  AUTH_MODE: "required" | "off";
};

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
/** Whether a listen address reaches only this machine. */
export const isLoopback = (host: string) => LOOPBACK.has(host) || /^127\./.test(host);

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; a bad value stops the service at start with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = Env.safeParse(present);
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  return {
    ...c,
    LLM_PROVIDER: c.LLM_PROVIDER ?? (c.ANTHROPIC_API_KEY ? "anthropic" : "fake"),
    AUTH_MODE: c.AUTH_MODE ?? (isLoopback(c.HOST) ? "off" : "required"),
  };
}

/**
 * Set by `npm start` for the services it runs: they then stop when their stdin closes, which the OS does
 * when the supervisor dies, even by SIGKILL, so no service outlives it.
 */
export function isSupervised(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TASKJET_SUPERVISED === "1";
}
