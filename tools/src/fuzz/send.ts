import { connect } from "node:net";
import type { RawRequest } from "./requests.ts";

export type Outcome =
  | { kind: "answered"; status: number; body: string; ms: number }
  /** The server closed (or reset) the connection without an HTTP answer. */
  | { kind: "closed"; ms: number; error: string | null }
  /** No answer within the timeout: the request hung. */
  | { kind: "hang"; ms: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends one request over a fresh TCP connection exactly as given (`Connection: close`), and reads the status
 * line and up to 2 KB of the answer. Bounded: every request ends after `timeoutMs` at most.
 */
export function sendRaw(port: number, req: RawRequest, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      socket.destroy();
      resolve(o);
    };
    const answered = () => {
      // An interim "100 Continue" (the answer to `Expect: 100-continue`) is not the answer.
      const text = received.toString("latin1").replace(/^(HTTP\/1\.[01] 100 [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, "");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) return null;
      const split = text.indexOf("\r\n\r\n");
      return { status: Number(m[1]), body: split >= 0 ? text.slice(split + 4, split + 2052) : "" };
    };
    const timer = setTimeout(() => {
      const a = answered();
      finish(a ? { kind: "answered", ...a, ms: elapsed() } : { kind: "hang", ms: elapsed() });
    }, timeoutMs);
    let grace: NodeJS.Timeout | undefined;
    socket.on("data", (chunk: Buffer) => {
      if (received.length < 4096) received = Buffer.concat([received, chunk]);
      const a = answered();
      if (!a) return;
      // A 101, or enough of the answer: done. A server that keeps the connection open after answering (it may,
      // when `Connection` is repeated) gets a moment for the rest of a short body, not the whole timeout.
      if (a.status === 101 || received.length >= 2048) finish({ kind: "answered", ...a, ms: elapsed() });
      else if (received.includes("\r\n\r\n") && !grace) {
        grace = setTimeout(() => finish({ kind: "answered", ...(answered() ?? a), ms: elapsed() }), 300);
      }
    });
    socket.on("end", () => {
      const a = answered();
      finish(a ? { kind: "answered", ...a, ms: elapsed() } : { kind: "closed", ms: elapsed(), error: null });
    });
    socket.on("error", (err: Error & { code?: string }) => {
      const a = answered();
      finish(
        a
          ? { kind: "answered", ...a, ms: elapsed() }
          : { kind: "closed", ms: elapsed(), error: err.code ?? err.message },
      );
    });
    socket.on("close", () => {
      const a = answered();
      finish(a ? { kind: "answered", ...a, ms: elapsed() } : { kind: "closed", ms: elapsed(), error: null });
    });
    socket.once("connect", () => {
      void write().catch(() => undefined); // a server that answers early may close before the body is sent
    });

    async function write() {
      const chunked = req.headers.some(([k, v]) => k === "transfer-encoding" && v === "chunked");
      const body = req.body;
      const lines = [`${req.method} ${req.path} HTTP/1.1`, `host: 127.0.0.1:${port}`, "connection: close"];
      for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
      if (body && !chunked) lines.push(`content-length: ${req.stall ? body.length * 2 : body.length}`);
      socket.write(Buffer.from(`${lines.join("\r\n")}\r\n\r\n`));
      if (!body) return;
      const frame = (b: Buffer) =>
        chunked ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]) : b;
      if (req.stall) {
        socket.write(frame(body)); // half of what content-length promised; the rest never comes
        return;
      }
      const pieces = req.trickle?.pieces ?? 1;
      const size = Math.ceil(body.length / pieces);
      for (let i = 0; i < pieces && !settled; i++) {
        const piece = body.subarray(i * size, (i + 1) * size);
        if (piece.length > 0) socket.write(frame(piece));
        if (req.trickle && i < pieces - 1) await sleep(req.trickle.delayMs);
      }
      if (chunked && !settled) socket.write("0\r\n\r\n");
    }
  });
}
