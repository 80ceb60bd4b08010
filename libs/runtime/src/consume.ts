import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type { Span } from "@opentelemetry/api";
import type { TaskEvent } from "@taskjet/events";
import { decodeStored } from "./events-io.ts";
import type { Logger } from "./logger.ts";
import { inDeliverySpan } from "./trace-messages.ts";
import { tracingOn } from "./tracing.ts";

/** What a handler decided for its message; only the loop acts on it. */
export type Verdict = { ack: true } | { nak: number } | { term: string };
export const ACK: Verdict = { ack: true };

export type Delivery = {
  event: TaskEvent;
  seq: number;
  subject: string;
  /**
   * The consumer's sequence for this delivery: unique per delivery, so it tells two tries apart. The server's
   * delivery count does not, and cannot say whether a message was seen before: NATS 2.9 can hand a message
   * nak'd after its pull request ended out again with count 1.
   */
  deliverySeq: number;
  /** Aborted when the process stops past its grace period: the handler should give up promptly. */
  signal: AbortSignal;
};

export type Handler = (d: Delivery) => Promise<Verdict>;

/** The pull loop's settings, whatever its messages are. */
type LoopOptions = {
  consumer: Consumer;
  log: Logger;
  /** Messages in flight at once; the loop only pulls what it has room for. */
  concurrency: number;
  /**
   * Whether to pull more now, though under `concurrency` (the executor holds work for admission, but no more
   * than its lanes hold back); `wake()` says to ask again. Absent: always, up to `concurrency`.
   */
  wantsMore?: () => boolean;
  /** At most this many per fetch (default: all the room there is), so one executor does not take a whole backlog at once. */
  fetchMax?: number;
  /** The consumer's ack_wait: in-flight messages get a `working()` well inside it. */
  ackWaitMs: number;
};

export type ConsumeOptions = LoopOptions & {
  handle: Handler;
  /** Who consumes (`scheduler`, `executor`): with tracing on, each delivery is a span `<service> <EventType>`. */
  service?: string;
};

/**
 * What a raw message's handler decided; it may throw (the message comes back in a second). `signal` is aborted
 * when the process stops past its grace period.
 */
export type MessageHandler = (m: JsMsg, signal: AbortSignal) => Promise<Verdict>;

export type Running = {
  /** Asks `wantsMore` again (it may say yes now). */
  wake(): void;
  /** Stops pulling, waits for in-flight handlers up to `graceMs`, then aborts them and naks what is left. */
  stop(graceMs: number): Promise<void>;
  /** Resolves when the loop has ended. */
  done: Promise<void>;
};

const FETCH_EXPIRES_MS = 2000;

/** What the loop will do with a traced delivery, on its span. */
const settleSpan = (span: Span, verdict: Verdict) => {
  if ("ack" in verdict) span.setAttribute("taskjet.verdict", "ack");
  else if ("nak" in verdict) span.setAttributes({ "taskjet.verdict": "nak", "taskjet.nak_ms": verdict.nak });
  else span.setAttributes({ "taskjet.verdict": "term", "taskjet.term_reason": verdict.term });
};

/**
 * Task events, consumed: each message decoded as the stream's event (one that does not decode is logged and
 * terminated, never retried for ever) and handed over with its position, in a span when tracing is on.
 */
export function consume(opts: ConsumeOptions): Running {
  const { handle, service } = opts;
  return consumeMessages({
    ...opts,
    async handle(m, signal) {
      const entry = decodeStored(m);
      if ("undecodable" in entry) return { term: entry.undecodable };
      const { event, seq, subject } = entry;
      const delivery = { event, seq, subject, deliverySeq: m.info.deliverySequence, signal };
      return tracingOn() ? inDeliverySpan(service, m, event, () => handle(delivery), settleSpan) : handle(delivery);
    },
  });
}

/**
 * Pull-on-demand consumption of any stream's messages: a fetch asks for exactly as many messages as there are
 * free slots, so no message waits in a client buffer while its ack_wait runs out. The loop owns every ack, nak,
 * term and heartbeat; a handler only says which.
 */
export function consumeMessages(opts: LoopOptions & { handle: MessageHandler }): Running {
  const { consumer, log, concurrency } = opts;
  const inFlight = new Map<JsMsg, AbortController>();
  let stopping = false;
  let slotFreed: (() => void) | null = null;
  let currentFetch: ConsumerMessages | null = null;

  const heartbeat = setInterval(
    () => {
      for (const m of inFlight.keys()) m.working();
    },
    Math.max(500, Math.floor(opts.ackWaitMs / 3)),
  );

  async function run(m: JsMsg, abort: AbortController) {
    let verdict: Verdict;
    try {
      verdict = await opts.handle(m, abort.signal);
    } catch (err) {
      log.error({ err, seq: m.seq, subject: m.subject }, "handler failed; message will be redelivered");
      verdict = { nak: 1000 };
    }
    if (abort.signal.aborted) verdict = { nak: 0 };
    if ("ack" in verdict) m.ack();
    else if ("nak" in verdict) m.nak(verdict.nak);
    else {
      log.warn({ seq: m.seq, subject: m.subject, reason: verdict.term }, "message terminated");
      m.term(); // bare: NATS 2.9 keeps redelivering a message terminated with a reason
    }
  }

  async function loop() {
    while (!stopping) {
      const room =
        opts.wantsMore?.() === false
          ? 0
          : Math.min(concurrency - inFlight.size, opts.fetchMax ?? Number.POSITIVE_INFINITY);
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
        continue;
      }
      try {
        const batch = await consumer.fetch({ max_messages: room, expires: FETCH_EXPIRES_MS });
        currentFetch = batch;
        for await (const m of batch) {
          const abort = new AbortController();
          inFlight.set(m, abort);
          void run(m, abort).finally(() => {
            inFlight.delete(m);
            slotFreed?.();
            slotFreed = null;
          });
        }
      } catch (err) {
        if (stopping) break;
        log.warn({ err }, "fetch failed; retrying");
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        currentFetch = null;
      }
    }
  }

  const done = loop();

  return {
    done,
    wake() {
      slotFreed?.();
      slotFreed = null;
    },
    async stop(graceMs: number) {
      stopping = true;
      slotFreed?.();
      await currentFetch?.close();
      await done;
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (inFlight.size > 0) {
        log.warn({ handedBack: inFlight.size, graceMs }, "grace period over: handing in-flight messages back");
      }
      for (const abort of inFlight.values()) abort.abort(new Error("shutting down"));
      while (inFlight.size > 0) await new Promise((r) => setTimeout(r, 10));
      clearInterval(heartbeat);
    },
  };
}
