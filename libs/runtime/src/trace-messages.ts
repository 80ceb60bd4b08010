import type { MsgHdrs } from "@nats-io/transport-node";
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";
import { HEADER_MSG_ID, HEADER_TRACEPARENT } from "@taskjet/events";
import { tracedService, tracingOn } from "./tracing.ts";

/** The tracer of one service's spans: its scope names the service, so spans say who made them in one process too. */
export const tracerOf = (service: string) => trace.getTracer(`taskjet.${service}`);

const natsSetter: TextMapSetter<MsgHdrs> = { set: (h, key, value) => h.set(key, value) };
const natsGetter: TextMapGetter<MsgHdrs | undefined> = {
  get: (h, key) => h?.get(key) || undefined,
  keys: (h) => (h ? h.keys() : []),
};

/**
 * Writes the active trace context (`traceparent`, `tracestate`) into a message's headers, so whoever consumes
 * the message carries on the same trace. Nothing at all when tracing is off.
 */
export function injectTrace(headers: MsgHdrs): void {
  if (tracingOn()) propagation.inject(context.active(), headers, natsSetter);
}

/** The trace context a message carries (the root context when it carries none). */
export function contextOfMessage(headers: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, natsGetter);
}

/** A stream message as the consume loop and the projector see it: enough for a span's attributes. */
export type TracedMessage = {
  headers?: MsgHdrs;
  subject: string;
  seq: number;
  info?: { deliveryCount: number; stream: string; consumer: string };
};

/** The attributes every span of one event carries (messaging conventions, and ours under `taskjet.`). */
export function messageAttributes(m: TracedMessage, event: { type: string; taskId: string } | null): Attributes {
  const msgId = m.headers?.get(HEADER_MSG_ID);
  return {
    "messaging.system": "nats",
    "messaging.operation.type": "process",
    "messaging.destination.name": m.subject,
    ...(msgId ? { "messaging.message.id": msgId } : {}),
    ...(m.info
      ? { "messaging.consumer.group.name": m.info.consumer, "taskjet.delivery.count": m.info.deliveryCount }
      : {}),
    "taskjet.stream.seq": m.seq,
    ...(event ? { "taskjet.task_id": event.taskId, "taskjet.event.type": event.type } : {}),
  };
}

/**
 * Runs a message's handler inside a CONSUMER span `<service> <EventType>` whose parent is the context the
 * message carries, so what the handler publishes stays in the publisher's trace. `settle` reads the result
 * into the span (an ack, a nak and its delay…). Only called when tracing is on.
 */
export async function inDeliverySpan<T>(
  service: string | undefined,
  m: TracedMessage,
  event: { type: string; taskId: string },
  work: () => Promise<T>,
  settle: (span: Span, result: T) => void,
): Promise<T> {
  const name = service ?? tracedService();
  const parent = contextOfMessage(m.headers);
  const span = tracerOf(name).startSpan(
    `${name} ${event.type}`,
    { kind: SpanKind.CONSUMER, attributes: messageAttributes(m, event) },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), work);
    settle(span, result);
    return result;
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Marks a span failed by `err`: its class as `error.type`, the exception as an event. */
export function failSpan(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setAttribute("error.type", error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/** Spans of one batch of messages handled together (the projector's transaction): added as read, ended at once. */
export type BatchTrace = {
  add(m: TracedMessage, event: { type: string; taskId: string } | null): void;
  /** Ends a span per traced message of the batch, each child of its own message's context. */
  end(): void;
};

const NO_BATCH_TRACE: BatchTrace = { add: () => undefined, end: () => undefined };

/**
 * A batch's spans: one `<service> <EventType>` CONSUMER span per event that carries a trace context, from the
 * moment it was read to the end of the batch (so the span shows how long the event waited to be written).
 * Tracing off: a shared no-op, nothing read from the headers.
 */
export function batchTrace(service: string): BatchTrace {
  if (!tracingOn()) return NO_BATCH_TRACE;
  const items: { m: TracedMessage; event: { type: string; taskId: string }; at: number }[] = [];
  return {
    add(m, event) {
      if (event !== null && m.headers?.get(HEADER_TRACEPARENT)) items.push({ m, event, at: Date.now() });
    },
    end() {
      const tracer = tracerOf(service);
      for (const { m, event, at } of items) {
        const attributes = messageAttributes(m, event);
        const kind = SpanKind.CONSUMER;
        const span = tracer.startSpan(
          `${service} ${event.type}`,
          { kind, attributes, startTime: at },
          contextOfMessage(m.headers),
        );
        span.end();
      }
      items.length = 0;
    },
  };
}

/**
 * Runs `work` — a publish nothing asked for over HTTP, such as a schedule's firing — in a PRODUCER span of its
 * own that begins a trace, so what follows from it (the task's whole life) has a root naming its cause. Tracing
 * off: `work()` as it is.
 */
export async function inProducerSpan<T>(
  service: string,
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return work();
  const span = tracerOf(service).startSpan(name, { kind: SpanKind.PRODUCER, attributes, root: true });
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), work);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}
