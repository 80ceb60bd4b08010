import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake LLM server does with one request, whichever API it came through. */
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
  /** `anthropic`: POST /v1/messages; `openai`: POST /v1/chat/completions. */
  api: "anthropic" | "openai";
  body: {
    model: string;
    max_tokens: number;
    stream?: boolean;
    system?: string;
    temperature?: number;
    messages: { role: string; content: string }[];
  };
  headers: IncomingMessage["headers"];
  /** The prompt: the first user message's text. */
  prompt: string;
  /** True once the client closed the connection before the reply ended (an aborted call). */
  closedByClient: boolean;
  closedAt: number | null;
  /** Pieces of the reply's text written so far: how far a streamed reply got. */
  piecesSent: number;
};

const sse = (res: ServerResponse, event: string, data: unknown) =>
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const split = (text: string, n: number) => {
  const size = Math.max(1, Math.ceil(text.length / n));
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
};

/**
 * A stand-in for Anthropic's Messages API and for an OpenAI-compatible chat-completions server, for tests that
 * drive the real SDKs: JSON and SSE streaming as each API sends them (Anthropic: message_start,
 * content_block_*, ping, message_delta with usage, message_stop; OpenAI: chunks, a usage chunk, `[DONE]`),
 * errors with their JSON bodies and headers (`retry-after`, `anthropic-ratelimit-*`), slow streams, dropped
 * connections. `reply(request)` decides per request, so concurrent tests route by prompt.
 */
export async function startFakeLlm(reply: (req: SeenRequest) => Reply) {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString();
    });
    req.on("end", () => {
      const api = req.method !== "POST" ? null : routes[req.url?.split("?")[0] ?? ""];
      if (!api) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "Not found" } }));
        return;
      }
      const body = JSON.parse(raw) as SeenRequest["body"];
      const seen: SeenRequest = {
        api,
        body,
        headers: req.headers,
        prompt: body.messages.find((m) => m.role === "user")?.content ?? "",
        closedByClient: false,
        closedAt: null,
        piecesSent: 0,
      };
      requests.push(seen);
      res.on("close", () => {
        if (!res.writableFinished) {
          seen.closedByClient = true;
          seen.closedAt = Date.now();
        }
      });
      const respond = api === "anthropic" ? respondAsAnthropic : respondAsOpenai;
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

const routes: Record<string, SeenRequest["api"]> = {
  "/v1/messages": "anthropic",
  "/v1/chat/completions": "openai",
};

async function respondAsAnthropic(seen: SeenRequest, res: ServerResponse, r: Reply) {
  const requestId = `req_${randomUUID().replaceAll("-", "")}`;
  if (r.kind === "hang") return;
  if (r.kind === "error") {
    res.writeHead(r.status, { "content-type": "application/json", "request-id": requestId, ...r.headers });
    res.end(JSON.stringify({ type: "error", error: { type: r.type, message: r.message }, request_id: requestId }));
    return;
  }
  const model = seen.body.model;
  const text = r.text;
  const { inputTokens, outputTokens } = tokens(seen, r);
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
  const finished = await streamPieces(seen, res, r, (piece) =>
    sse(res, "content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: piece },
    }),
  );
  if (!finished) return;
  if (r.kind === "sse-error") {
    sse(res, "error", { type: "error", error: { type: r.type, message: r.message } });
    res.end();
    return;
  }
  sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: (r.kind === "message" && r.stopReason) || "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

/** OpenAI's chat-completions wire format: `data:` lines of `chat.completion.chunk`, a usage chunk, `[DONE]`. */
async function respondAsOpenai(seen: SeenRequest, res: ServerResponse, r: Reply) {
  if (r.kind === "hang") return;
  if (r.kind === "error") {
    res.writeHead(r.status, { "content-type": "application/json", "x-request-id": randomUUID(), ...r.headers });
    res.end(JSON.stringify({ error: { message: r.message, type: r.type, param: null, code: null } }));
    return;
  }
  const model = seen.body.model;
  const { inputTokens, outputTokens } = tokens(seen, r);
  const usage = {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
  const id = `chatcmpl-${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = r.kind === "message" ? (r.stopReason ?? "stop") : "stop";
  if (!seen.body.stream && r.kind === "message") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: r.text }, finish_reason: finishReason }],
        usage,
      }),
    );
    return;
  }
  const chunk = (choices: unknown[], extra: object = {}) =>
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`,
    );
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
  const finished = await streamPieces(seen, res, r, (piece) =>
    chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]),
  );
  if (!finished) return;
  if (r.kind === "sse-error") {
    res.write(`data: ${JSON.stringify({ error: { type: r.type, message: r.message } })}\n\n`);
    res.end();
    return;
  }
  chunk([{ index: 0, delta: {}, finish_reason: finishReason }]);
  const wantsUsage = (seen.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage;
  if (wantsUsage) chunk([], { usage });
  res.write("data: [DONE]\n\n");
  res.end();
}

function tokens(seen: SeenRequest, r: Exclude<Reply, { kind: "error" | "hang" }>) {
  return {
    inputTokens: r.kind === "message" ? (r.inputTokens ?? seen.prompt.split(/\s+/).length) : 10,
    outputTokens: r.text.split(/\s+/).filter(Boolean).length,
  };
}

/** Writes the reply's text in pieces; false when the reply drops the connection (or the client went away). */
async function streamPieces(
  seen: SeenRequest,
  res: ServerResponse,
  r: Exclude<Reply, { kind: "error" | "hang" }>,
  write: (piece: string) => void,
) {
  for (const piece of split(r.text, r.kind === "sse-error" ? 2 : (r.pieces ?? 4))) {
    if (res.destroyed) return false;
    write(piece);
    seen.piecesSent++;
    await sleep(r.kind === "message" && r.pieceDelayMs ? r.pieceDelayMs : 1);
  }
  if (r.kind === "drop") {
    res.destroy();
    return false;
  }
  return !res.destroyed;
}
