import { randomUUID } from "node:crypto";
import { openBucket, openWebhookStore } from "@taskjet/runtime";
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions, LogController } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { registerAuth } from "./auth.ts";
import { registerConsole } from "./console.ts";
import type { GatewayDeps } from "./deps.ts";
import { registerErrorHandling } from "./errors.ts";
import { watchFlow } from "./flow/cache.ts";
import { lanesOf } from "./flow/lanes.ts";
import { registerLaneMetrics } from "./flow/metrics.ts";
import { tenantRoutes } from "./flow/routes.ts";
import { registerSpendLimit } from "./flow/spend.ts";
import { openFlowBucket } from "./flow/store.ts";
import { idempotencyKeys } from "./idempotency.ts";
import { type Authenticator, createAuthenticator } from "./keys/authenticator.ts";
import { keyIdOf } from "./keys/record.ts";
import { keyRoutes } from "./keys/routes.ts";
import { type KeyStore, openKeyStore } from "./keys/store.ts";
import { openTicketStore } from "./keys/tickets.ts";
import { registerLimits } from "./limits/register.ts";
import { createMetrics } from "./metrics.ts";
import { registerOpenApi } from "./openapi.ts";
import { registerOverloadGuard } from "./overload.ts";
import { projectionsOf } from "./projections.ts";
import { adminRoutes } from "./routes/admin.ts";
import { bulkRoutes } from "./routes/bulk.ts";
import { compatRoutes } from "./routes/compat.ts";
import { healthRoutes } from "./routes/health.ts";
import { statsRoutes } from "./routes/stats.ts";
import { taskStreamRoutes } from "./routes/task-stream.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { scheduleRoutes } from "./schedules/routes.ts";
import { openScheduleStore } from "./schedules/store.ts";
import { registerTracing } from "./tracing.ts";
import { webhookRoutes } from "./webhooks/routes.ts";
import { createHub } from "./ws/hub.ts";
import { registerWebSocket } from "./ws/route.ts";

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The gateway as a Fastify app, without a port: `main.ts` listens, tests call `inject`. */
export async function buildApp(deps: GatewayDeps, opts: FastifyServerOptions = {}) {
  const requestTimeout = deps.config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000;
  const app = Fastify({
    bodyLimit: deps.config.MAX_REQUEST_BYTES,
    // Headers and body must arrive within the request timeout (else 408 and the connection closes), checked
    // often enough that a trickled body is cut near it. No idle timeout on the socket itself: it would cut
    // a quiet SSE stream or WebSocket. Between requests, keep-alive closes an idle connection after 72 s.
    requestTimeout,
    http: { headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(5000, requestTimeout / 2) },
    keepAliveTimeout: 72_000,
    // An X-Request-Id from the caller (or a proxy) is kept, else one is made; it is on every log line.
    requestIdHeader: "x-request-id",
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // Fastify's own two info lines per request would be the hot path's largest log cost (two lines per task
    // submitted): one line per response instead, at debug when it succeeded (`onResponse` below).
    logController: new LogController({ disableRequestLogging: true }),
    ...opts,
  }).withTypeProvider<ZodTypeProvider>();
  // JSON only: a text body is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  registerTracing(app); // before every route: it wraps each handler as it is added
  app.addHook("onResponse", async (req, reply) => {
    const status = reply.statusCode;
    const level = status >= 500 ? "error" : status >= 400 ? "info" : "debug";
    req.log[level]({ req, status, ms: Math.round(reply.elapsedTime) }, "request");
  });
  const projections = projectionsOf(deps, app.log);
  app.addHook("onClose", async () => projections.close());
  const metrics = createMetrics(deps);
  const keys = idempotencyKeys(await openBucket(deps.js, deps.names, "idempotency", deps.config));
  registerErrorHandling(app, metrics.countError);
  registerOverloadGuard(app, deps.config.MAX_REQUESTS_IN_PROGRESS, metrics.countError); // first: refusing is cheap
  const apiKeys = await openKeyStore(deps.js, deps.names, deps.config);
  await seedBootstrapKey(app.log, apiKeys, deps);
  const tickets = await openTicketStore(deps.js, deps.names, deps.config, deps.now);
  const auth = await createAuthenticator(apiKeys, { log: app.log, now: deps.now, nc: deps.nc });
  app.addHook("onClose", async () => auth.close());
  logAuthMode(app.log, deps.config, auth);
  const flowKv = await openFlowBucket(deps.js, deps.names, deps.config);
  const flow = await watchFlow(flowKv, app.log);
  app.addHook("onClose", async () => flow.close());
  const lanes = lanesOf(flow, deps);
  await registerConsole(app, deps.config.CONSOLE_DIR); // first: it learns the API's paths as they are added
  registerAuth(app, deps.config, auth); // before every route: each reads req.principal
  registerSpendLimit(app, flow, deps, metrics.countError); // after auth, before limits: it reserves nothing
  await registerLimits(app, deps, metrics.countError); // after auth: limits are the key's and the tenant's
  registerLaneMetrics(metrics.registry, () => lanes({ tenant: "", allTenants: true }), deps.now);
  metrics.register(app);
  await registerOpenApi(app);
  await app.register(healthRoutes(deps));
  await app.register(taskRoutes(deps, keys, metrics));
  await app.register(bulkRoutes(deps, keys, metrics));
  await app.register(compatRoutes);
  await app.register(adminRoutes(deps));
  await app.register(statsRoutes(deps, lanes));
  await app.register(tenantRoutes({ kv: flowKv, flow, now: deps.now }));
  await app.register(keyRoutes({ keys: apiKeys, tickets, now: deps.now }));
  await app.register(webhookRoutes(deps, await openWebhookStore(deps.js, deps.names, deps.config)));
  await app.register(scheduleRoutes(deps, await openScheduleStore(deps.js, deps.names, deps.config), keys));
  const hub = createHub(deps, app.log);
  app.addHook("onClose", async () => hub.close());
  await app.register(taskStreamRoutes(deps, hub));
  await registerWebSocket(app, deps, { maxBufferedBytes: deps.config.WS_MAX_BUFFERED_BYTES, auth, tickets, hub });
  return app;
}

function logAuthMode(log: FastifyBaseLogger, config: GatewayDeps["config"], auth: Authenticator) {
  if (config.AUTH_MODE === "off") {
    log.warn(
      { host: config.HOST },
      "AUTH IS OFF: anyone who reaches this gateway can read and write every tenant's tasks (X-Tenant-Id picks " +
        "the tenant). Fine on 127.0.0.1; set HOST=0.0.0.0 or AUTH_MODE=required to need API keys.",
    );
  } else {
    log.info({ host: config.HOST }, "auth is required: every API call needs Authorization: Bearer <key>");
    // The authenticator has read the whole bucket (and the bootstrap key was seeded before it).
    if (!auth.anyKeyWith("admin")) {
      log.warn(
        "auth is required and no admin key exists (no BOOTSTRAP_ADMIN_KEY, none in the keys bucket): no one can " +
          "make keys over HTTP. Set BOOTSTRAP_ADMIN_KEY, or: npm run keys -- create --tenant ops --scopes admin",
      );
    }
  }
}

async function seedBootstrapKey(log: FastifyBaseLogger, keys: KeyStore, deps: GatewayDeps) {
  const key = deps.config.BOOTSTRAP_ADMIN_KEY;
  if (key === undefined) return;
  const outcome = await keys.seed(key, deps.config.BOOTSTRAP_ADMIN_TENANT, deps.now());
  const id = keyIdOf(key);
  if (outcome === "revoked") log.warn({ keyId: id }, "the bootstrap admin key was revoked; it stays revoked");
  else log.info({ keyId: id, outcome }, "bootstrap admin key");
}
