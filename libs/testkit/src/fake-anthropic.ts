import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake Messages API does with one request. */
export type Reply =
  | { kind: "message"; text: string; inputTokens?: number; pieces?: number; pieceDelayMs?: number; stopReason?: string }
  | { kind: "error"; status: number; type: string; message: string; headers?: Record<string, string> }
  /** Streams `text` in pieces, then drops the connection without finishing the message. */
  | { kind: "drop"; text: string; pieces?: number }
  /** Streams `text`, then sends an SSE `error` event (as the API does when it overloads mid-stream). */
  | { kind: "sse-error"; text: string; type: string; message: string }
  /** Never answers. */
  | { kind: "hang" };

export type SeenRequest = {
  body: {
    model: string;
    max_tokens: number;
    stream?: boolean;
    system?: string;
    temperature?: number;
    messages: { content: string }[];
  };
  headers: IncomingMessage["headers"];
  /** The prompt: the first user message's text. */
  prompt: string;
  /** True once the client closed the connection before the reply ended (an aborted call). */
  closedByClient: boolean;
  closedAt: number | null;
};

const sse = (res: ServerResponse, event: string, data: unknown) =>
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const split = (text: string, n: number) => {
  const size = Math.max(1, Math.ceil(text.length / n));
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
};

/**
 * A stand-in for Anthropic's Messages API, for tests that drive the real SDK: JSON and SSE streaming as the
 * API sends them (message_start, content_block_*, ping, message_delta with usage, message_stop), errors with
 * their JSON bodies and headers (`retry-after`, `anthropic-ratelimit-*`), slow streams, dropped connections.
 * `reply(request)` decides per request, so concurrent tests route by prompt.
 */
export async function startFakeAnthropic(reply: (req: SeenRequest) => Reply) {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString();
    });
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "Not found" } }));
        return;
      }
      const body = JSON.parse(raw) as SeenRequest["body"];
      const seen: SeenRequest = {
        body,
        headers: req.headers,
        prompt: body.messages[0]?.content ?? "",
        closedByClient: false,
        closedAt: null,
      };
      requests.push(seen);
      res.on("close", () => {
        if (!res.writableFinished) {
          seen.closedByClient = true;
          seen.closedAt = Date.now();
        }
      });
      void respond(seen, res, reply(seen)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

async function respond(seen: SeenRequest, res: ServerResponse, r: Reply) {
  const requestId = `req_${randomUUID().replaceAll("-", "")}`;
  if (r.kind === "hang") return;
  if (r.kind === "error") {
    res.writeHead(r.status, { "content-type": "application/json", "request-id": requestId, ...r.headers });
    res.end(JSON.stringify({ type: "error", error: { type: r.type, message: r.message }, request_id: requestId }));
    return;
  }
  const model = seen.body.model;
  const text = r.text;
  const inputTokens = r.kind === "message" ? (r.inputTokens ?? seen.prompt.split(/\s+/).length) : 10;
  const outputTokens = text.split(/\s+/).filter(Boolean).length;
  const id = `msg_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  if (!seen.body.stream && r.kind === "message") {
    res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
    res.end(
      JSON.stringify({
        id,
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text }],
        stop_reason: r.stopReason ?? "end_turn",
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens },
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId });
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  sse(res, "content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  sse(res, "ping", { type: "ping" });
  const pieces = split(text, r.kind === "sse-error" ? 2 : (r.pieces ?? 4));
  for (const piece of pieces) {
    if (res.destroyed) return;
    sse(res, "content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: piece },
    });
    if (r.kind === "message" && r.pieceDelayMs) await sleep(r.pieceDelayMs);
    else await sleep(1);
  }
  if (r.kind === "drop") {
    res.destroy();
    return;
  }
  if (r.kind === "sse-error") {
    sse(res, "error", { type: "error", error: { type: r.type, message: r.message } });
    res.end();
    return;
  }
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: r.stopReason ?? "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}
