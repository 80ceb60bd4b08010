import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { failSpan, tracerOf, tracingOn } from "@taskjet/runtime";
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from "fastify";

/** Routes polled by probes and scrapers, and sockets that live for hours: no span for them. */
const UNTRACED = new Set(["/health", "/ready", "/metrics"]);

/**
 * A SERVER span per HTTP request, named after the method and the route template (`POST /tasks`), child of
 * the caller's `traceparent` when it sends one. The span is the active context while the route's handler
 * runs, so the events it publishes carry it on (`publishEvent` injects it into their headers). Hooks on the
 * root instance, registered before any route: each route's handler is wrapped as it is added. With tracing
 * off when the app is built (`startTracing` comes first in main.ts) nothing is registered: no cost per request.
 */
export function registerTracing(app: FastifyInstance): void {
  if (!tracingOn()) return;
  const tracer = tracerOf("gateway");
  const spans = new WeakMap<FastifyRequest, Span>();
  const untraced = new Set<string>();

  app.addHook("onRoute", (route) => {
    if (route.websocket || UNTRACED.has(route.url)) {
      untraced.add(route.url);
      return;
    }
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function traced(this: FastifyInstance, req, reply) {
      const span = spans.get(req);
      if (span === undefined) return handler.call(this, req, reply);
      return context.with(trace.setSpan(context.active(), span), () => handler.call(this, req, reply));
    };
  });

  app.addHook("onRequest", async (req) => {
    if (!tracingOn()) return; // shut down since
    const route = req.routeOptions.url;
    if (route !== undefined && untraced.has(route)) return;
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      route === undefined ? req.method : `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": req.method,
          "url.path": req.url.split("?", 1)[0],
          ...(route !== undefined ? { "http.route": route } : {}),
          "taskjet.request_id": req.id,
        },
      },
      parent,
    );
    spans.set(req, span);
  });

  app.addHook("onError", async (req, _reply, err) => {
    const span = spans.get(req);
    if (span) failSpan(span, err);
  });

  app.addHook("onResponse", async (req, reply) => {
    const span = spans.get(req);
    if (span === undefined) return;
    spans.delete(req);
    const status = reply.statusCode;
    span.setAttribute("http.response.status_code", status);
    const id = taskIdOf(req.params);
    if (id !== undefined) span.setAttribute("taskjet.task_id", id);
    if (status >= 500) {
      span.setAttribute("error.type", String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  });

  app.addHook("onRequestAbort", async (req) => {
    const span = spans.get(req);
    if (span === undefined) return;
    spans.delete(req);
    span.setAttribute("error.type", "aborted");
    span.end();
  });
}

/** The task a request names in its path (`/tasks/:id/…`), for the span. */
function taskIdOf(params: unknown): string | undefined {
  if (typeof params !== "object" || params === null || !("id" in params)) return undefined;
  return typeof params.id === "string" ? params.id : undefined;
}
