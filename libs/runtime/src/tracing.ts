import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";

export type TracingConfig = Pick<
  Config,
  | "OTEL_SDK_DISABLED"
  | "OTEL_TRACES_EXPORTER"
  | "OTEL_EXPORTER_OTLP_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
  | "OTEL_SERVICE_NAME"
>;

/** Where spans go: nowhere (the default), an OTLP/HTTP collector at `url`, or stdout. */
export type TracesExport = { kind: "none" } | { kind: "otlp"; url: string } | { kind: "console" };

const OTLP_DEFAULT = "http://localhost:4318";

/**
 * What the OpenTelemetry environment variables ask for. Off by default: an endpoint (or OTEL_TRACES_EXPORTER=otlp,
 * which means the collector's default http://localhost:4318) turns traces on; `none` or OTEL_SDK_DISABLED turn
 * them off whatever else is set. A per-signal endpoint is used as it is; the general one gets `/v1/traces`.
 */
export function tracesExportOf(config: TracingConfig): TracesExport {
  const exporter = config.OTEL_TRACES_EXPORTER;
  if (config.OTEL_SDK_DISABLED || exporter === "none") return { kind: "none" };
  if (exporter === "console") return { kind: "console" };
  const traces = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (traces === undefined && base === undefined && exporter !== "otlp") return { kind: "none" };
  return { kind: "otlp", url: traces ?? `${(base ?? OTLP_DEFAULT).replace(/\/+$/, "")}/v1/traces` };
}

let active: string | null = null;

/**
 * Whether spans are recorded in this process. Everything that would cost something per message or request
 * (extracting a context from headers, starting a span) asks this first, so tracing off costs one check.
 */
export const tracingOn = () => active !== null;

/** The service `startTracing` was called for: what a span is named after when its caller does not say. */
export const tracedService = () => active ?? "taskjet";

export type Tracing = {
  enabled: boolean;
  /** Exports what has ended so far (a test reads its exporter after it). */
  flush(): Promise<void>;
  /** Exports what is left and unregisters everything: the API is a no-op again. */
  shutdown(): Promise<void>;
};

const OFF: Tracing = { enabled: false, flush: async () => undefined, shutdown: async () => undefined };

/**
 * Registers a tracer provider for the process when the configuration asks for one (`tracesExportOf`), with
 * the W3C trace context propagator and an AsyncLocalStorage context manager (a span started in a handler is
 * the parent of what the handler's awaits do). `exporter` replaces the configured one — tests pass an
 * InMemorySpanExporter — and is fed span by span rather than in batches. Called once, first thing in a
 * service's main; its `shutdown` goes last in the shutdown hook so the last spans are sent.
 */
export function startTracing(
  service: string,
  config: TracingConfig,
  opts: { exporter?: SpanExporter; log?: Logger } = {},
): Tracing {
  const configured = tracesExportOf(config);
  if (opts.exporter === undefined && configured.kind === "none") return OFF;
  if (active !== null) throw new Error(`tracing is already started (for ${active})`);
  const processor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(
        configured.kind === "otlp" ? new OTLPTraceExporter({ url: configured.url }) : new ConsoleSpanExporter(),
      );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? service }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  active = service;
  opts.log?.info({ traces: opts.exporter ? "in process" : configured }, "tracing on");
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (active === null) return;
      active = null;
      await provider.shutdown().catch(() => undefined); // a collector out of reach must not fail a shutdown
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
