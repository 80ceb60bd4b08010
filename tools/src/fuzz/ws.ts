import fc from "fast-check";
import WebSocket from "ws";
import { deepJson, hostileDate, hostileString, idArb, wrongValue } from "./values.ts";

/** What one WebSocket frame carries: protocol messages with hostile fields, junk text, binary, huge, deep. */
export function wsMessageArb(known: string[]) {
  const id = idArb(known).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const ids = fc.oneof(
    { arbitrary: fc.array(id, { minLength: 1, maxLength: 5 }), weight: 5 },
    { arbitrary: fc.constant([] as string[]), weight: 1 },
    {
      arbitrary: fc.constant(
        Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`),
      ),
      weight: 1,
    },
    { arbitrary: fc.array(fc.uuid(), { minLength: 900, maxLength: 1000 }), weight: 1 },
    { arbitrary: wrongValue, weight: 2 },
  );
  const message = fc.record(
    {
      type: fc.oneof(
        { arbitrary: fc.constantFrom("subscribe", "unsubscribe"), weight: 8 },
        { arbitrary: fc.constant("auth"), weight: 2 },
        hostileString,
        wrongValue,
      ),
      key: fc.oneof(hostileString, wrongValue),
      taskIds: ids,
      all: fc.oneof(fc.constant(true), fc.constant(false), wrongValue),
      since: fc.oneof(hostileDate, wrongValue),
      extra: wrongValue,
    },
    { requiredKeys: ["type"] },
  );
  return fc.oneof(
    { arbitrary: message.map((m) => JSON.stringify(m) as string | Buffer), weight: 12 },
    { arbitrary: hostileString.map((s) => s.slice(0, 60_000) as string | Buffer), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a) as string | Buffer), weight: 1 },
    {
      arbitrary: fc.constant(`{"type":"subscribe","taskIds":${deepJson(5000, "[", "]")}}` as string | Buffer),
      weight: 1,
    },
    {
      arbitrary: fc.constant(`{"type":"subscribe","all":true,"since":"0000-01-01T00:00:00Z"}` as string | Buffer),
      weight: 1,
    },
    { arbitrary: fc.constant("x".repeat(70_000) as string | Buffer), weight: 1 },
  );
}

/** Sessions: a tenant header (sometimes hostile), maybe `?taskId=`, then a burst of frames. */
export function wsSessionArb(known: string[]) {
  return fc.record({
    tenant: fc.oneof(
      { arbitrary: fc.constant(null), weight: 6 },
      { arbitrary: fc.constant("fuzz"), weight: 2 },
      { arbitrary: fc.constantFrom(".", "a*", "x".repeat(65), "ténant"), weight: 1 },
    ),
    taskId: fc.option(idArb(known), { freq: 5 }),
    frames: fc.array(wsMessageArb(known), { minLength: 3, maxLength: 15 }),
  });
}
export type WsSession = ReturnType<typeof wsSessionArb> extends fc.Arbitrary<infer T> ? T : never;

export type WsOutcome = {
  sent: number;
  replies: Record<string, number>;
  close: number | null;
  /** Did the server answer the probe (a valid subscribe sent last) within the timeout, or close cleanly? */
  hung: boolean;
  /** The upgrade was refused with this status (no WebSocket), or null. */
  refusedWith: number | null;
  lastFrames: string[];
};

/** Close codes a server may use on a hostile client; 1006 (no close frame) and 1011 (its error) are not. */
const CLEAN_CLOSES = new Set([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1013]);
/** The gateway's limit per frame; past it the server closes (1009), and frames we sent after it reset the TCP. */
const MAX_FRAME_BYTES = 64 * 1024;
export const oversized = (s: WsSession) =>
  s.frames.some((f) => (typeof f === "string" ? Buffer.byteLength(f) : f.length) > MAX_FRAME_BYTES);
export const cleanClose = (code: number | null, s: WsSession) =>
  code === null || CLEAN_CLOSES.has(code) || (code === 1006 && oversized(s));

/** Runs one session; bounded by `timeoutMs` after the last frame. */
export function runWsSession(port: number, s: WsSession, probeId: string, timeoutMs: number): Promise<WsOutcome> {
  const query = s.taskId ? `?taskId=${s.taskId}` : "";
  const headers = s.tenant === null ? {} : { "x-tenant-id": s.tenant };
  const out: WsOutcome = { sent: 0, replies: {}, close: null, hung: false, refusedWith: null, lastFrames: [] };
  return new Promise((resolve) => {
    let done = false;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers, maxPayload: 64 * 1024 * 1024 });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on("error", () => undefined);
      ws.terminate();
      resolve(out);
    };
    const timer = setTimeout(() => {
      out.hung = true;
      finish();
    }, timeoutMs + 10_000);
    ws.on("unexpected-response", (_req, res) => {
      out.refusedWith = res.statusCode ?? 0;
      finish();
    });
    ws.on("error", () => finish());
    ws.on("close", (code) => {
      out.close = code;
      finish();
    });
    ws.on("message", (data: Buffer) => {
      let m: { type?: string; error?: { code?: string }; taskIds?: string[] };
      try {
        m = JSON.parse(data.toString());
      } catch {
        m = { type: "(not JSON)" };
      }
      const key = m.type === "error" ? `error:${m.error?.code}` : String(m.type);
      out.replies[key] = (out.replies[key] ?? 0) + 1;
      if (m.type === "subscribed" && m.taskIds?.length === 1 && m.taskIds[0] === probeId) finish();
    });
    ws.on("open", () => {
      for (const f of s.frames) {
        ws.send(f);
        out.sent++;
        out.lastFrames.push(
          typeof f === "string"
            ? `${JSON.stringify(f.slice(0, 150))}${f.length > 150 ? `… (${f.length})` : ""}`
            : `<binary ${f.length} B>`,
        );
      }
      ws.send(JSON.stringify({ type: "subscribe", taskIds: [probeId] }));
      out.sent++;
      // From here the server has `timeoutMs` to answer the probe (or to close with a clean code).
      clearTimeout(timer);
      setTimeout(() => {
        if (done) return;
        out.hung = true;
        finish();
      }, timeoutMs).unref();
    });
  });
}
