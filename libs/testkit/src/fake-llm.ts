import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { estimateTokens, type FakeLimits, type LimitDimension, tokenBuckets } from "./fake-limits.ts";

/** What the fake LLM server does with one request, whichever API it came through. */
export type Reply =
  | {
      kind: "message";
      text: string;
      inputTokens?: number;
      /** Prompt-cache usage the reply reports (Anthropic's `cache_creation_input_tokens`, `cache_read_input_tokens`). */
      cache?: { creationInputTokens: number; readInputTokens: number };
      pieces?: number;
      pieceDelayMs?: number;
      stopReason?: string;
    }
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
  /** When it arrived (ms since the epoch, the fake's clock). */
  at: number;
  /** The HTTP status it was answered with (200, 429, …); 0 while no answer has started. */
  status: number;
  /**
   * Its input tokens: what the reply reported, else the fake's count of the request (`countTokens`; by default a
   * quarter of the characters of system and messages, rounded up) — what a limited fake charges its input bucket.
   */
  inputTokens: number;
  /** Output tokens the reply reported; 0 when it reported none (an error, a 429, a dropped stream). */
  outputTokens: number;
  /** Why it was answered 429 by the fake's own limits: the bucket that ran short, or `forced`. */
  limitedBy: LimitDimension | "forced" | null;
};

export type FakeLlmOptions = {
  /**
   * Anthropic's rate limits, enforced as it does (token buckets refilled continuously; output tokens reserved
   * from `max_tokens` at the start and settled with the reply's count at the end): a call over a limit is
   * answered 429 `rate_limit_error` with `retry-after` and the `anthropic-ratelimit-*` headers, and every
   * answer carries those headers. Absent: no limits, no such headers.
   */
  limits?: FakeLimits;
  /**
   * Limits of their own for some models (Anthropic's limits are per model class): a listed model has its own
   * buckets, every other model shares those of `limits`.
   */
  limitsByModel?: Record<string, FakeLimits>;
  /** The clock (ms since the epoch) the limits and `at` go by. */
  now?: () => number;
  /**
   * How the fake counts a request's input tokens, from the text of its system and messages (default: a quarter
   * of the characters, rounded up). A client's own estimate is never exact: count differently to see it settle.
   */
  countTokens?: (text: string) => number;
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
export async function startFakeLlm(reply: (req: SeenRequest) => Reply, opts: FakeLlmOptions = {}) {
  const now = opts.now ?? Date.now;
  const requests: SeenRequest[] = [];
  const shared = opts.limits ? tokenBuckets(opts.limits, now()) : null;
  const byModel = new Map(Object.entries(opts.limitsByModel ?? {}).map(([m, l]) => [m, tokenBuckets(l, now())]));
  const bucketsOf = (model: string) => byModel.get(model) ?? shared;
  let forced: { retryAfterSeconds: number; calls: number; model: string | null } | null = null;
  /** Whether the limits let this call through (taking its cost), and what to answer: the reply or a 429. */
  const admit = (seen: SeenRequest, res: ServerResponse): { r: Reply; headers: Record<string, string> } => {
    const at = seen.at;
    const buckets = bucketsOf(seen.body.model);
    if (forced && forced.calls > 0 && (forced.model === null || forced.model === seen.body.model)) {
      forced.calls--;
      seen.limitedBy = "forced";
      const until = at + forced.retryAfterSeconds * 1000;
      const headers = buckets?.headers(at, { dimension: "requests", until }) ?? {};
      return { r: rateLimited(forced.retryAfterSeconds, headers), headers: {} };
    }
    if (!buckets) return { r: reply(seen), headers: {} };
    const maxTokens = seen.body.max_tokens ?? 0;
    const a = buckets.admit({ requests: 1, inputTokens: seen.inputTokens, outputTokens: maxTokens }, at);
    if (!a.ok) {
      seen.limitedBy = a.limitedBy;
      return { r: rateLimited(a.retryAfterSeconds, a.headers), headers: {} };
    }
    // Output is reserved at max_tokens; what the reply did not use goes back once the answer ends.
    res.on("close", () => buckets.giveBack("outputTokens", maxTokens - seen.outputTokens, now()));
    return { r: reply(seen), headers: a.headers };
  };
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
        at: now(),
        status: 0,
        inputTokens: (opts.countTokens ?? estimateTokens)(inputText(body)),
        outputTokens: 0,
        limitedBy: null,
      };
      requests.push(seen);
      res.on("close", () => {
        if (!res.writableFinished) {
          seen.closedByClient = true;
          seen.closedAt = Date.now();
        }
      });
      const respond = api === "anthropic" ? respondAsAnthropic : respondAsOpenai;
      const { r, headers } = admit(seen, res);
      void respond(seen, res, r, headers, bucketsOf(body.model) !== null).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /**
     * The next `calls` calls (default 1; of `model` only, when given) are answered 429 with
     * `retry-after: retryAfterSeconds`, limits or not.
     */
    forceRateLimit(o: { retryAfterSeconds: number; calls?: number; model?: string }) {
      forced = { retryAfterSeconds: o.retryAfterSeconds, calls: o.calls ?? 1, model: o.model ?? null };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A 429 as Anthropic answers it when a limit is reached. */
function rateLimited(retryAfterSeconds: number, headers: Record<string, string>): Reply {
  return {
    kind: "error",
    status: 429,
    type: "rate_limit_error",
    message: "This request would exceed your organization's rate limit. Please try again later.",
    headers: { ...headers, "retry-after": String(retryAfterSeconds) },
  };
}

/** Text of a `system` or message `content`: a string, or content blocks with `text`. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: { text?: unknown }) => (typeof b?.text === "string" ? b.text : "")).join("");
}

/** The text a request's input tokens are counted from: its system and its messages' contents. */
function inputText(body: SeenRequest["body"]): string {
  return textOf(body.system) + body.messages.map((m) => textOf(m.content)).join("");
}

const routes: Record<string, SeenRequest["api"]> = {
  "/v1/messages": "anthropic",
  "/v1/chat/completions": "openai",
};

async function respondAsAnthropic(
  seen: SeenRequest,
  res: ServerResponse,
  r: Reply,
  limitHeaders: Record<string, string> = {},
  counted = false,
) {
  const requestId = `req_${randomUUID().replaceAll("-", "")}`;
  if (r.kind === "hang") return;
  if (r.kind === "error") {
    seen.status = r.status;
    res.writeHead(r.status, { "content-type": "application/json", "request-id": requestId, ...r.headers });
    res.end(JSON.stringify({ type: "error", error: { type: r.type, message: r.message }, request_id: requestId }));
    return;
  }
  const model = seen.body.model;
  const text = r.text;
  const { inputTokens, outputTokens } = tokens(seen, r, counted);
  const cached =
    r.kind === "message" && r.cache
      ? { cache_creation_input_tokens: r.cache.creationInputTokens, cache_read_input_tokens: r.cache.readInputTokens }
      : {};
  const id = `msg_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  seen.status = 200;
  seen.inputTokens = inputTokens;
  if (!seen.body.stream && r.kind === "message") {
    seen.outputTokens = outputTokens;
    res.writeHead(200, { "content-type": "application/json", "request-id": requestId, ...limitHeaders });
    res.end(
      JSON.stringify({
        id,
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text }],
        stop_reason: r.stopReason ?? "end_turn",
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens, ...cached },
      }),
    );
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "request-id": requestId,
    ...limitHeaders,
  });
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
      usage: { input_tokens: inputTokens, output_tokens: 1, ...cached },
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
  seen.outputTokens = outputTokens;
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: (r.kind === "message" && r.stopReason) || "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

/** OpenAI's chat-completions wire format: `data:` lines of `chat.completion.chunk`, a usage chunk, `[DONE]`. */
async function respondAsOpenai(
  seen: SeenRequest,
  res: ServerResponse,
  r: Reply,
  limitHeaders: Record<string, string> = {},
  counted = false,
) {
  if (r.kind === "hang") return;
  if (r.kind === "error") {
    seen.status = r.status;
    res.writeHead(r.status, { "content-type": "application/json", "x-request-id": randomUUID(), ...r.headers });
    res.end(JSON.stringify({ error: { message: r.message, type: r.type, param: null, code: null } }));
    return;
  }
  const model = seen.body.model;
  const { inputTokens, outputTokens } = tokens(seen, r, counted);
  seen.status = 200;
  seen.inputTokens = inputTokens;
  const usage = {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
  const id = `chatcmpl-${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = r.kind === "message" ? (r.stopReason ?? "stop") : "stop";
  if (!seen.body.stream && r.kind === "message") {
    seen.outputTokens = outputTokens;
    res.writeHead(200, { "content-type": "application/json", ...limitHeaders });
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
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...limitHeaders });
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
  seen.outputTokens = outputTokens;
  const wantsUsage = (seen.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage;
  if (wantsUsage) chunk([], { usage });
  res.write("data: [DONE]\n\n");
  res.end();
}

/**
 * The usage a reply reports. Under limits (`counted`), input is what the limits charged (a reply's own
 * `inputTokens` aside), so a client that reconciles with the reported usage agrees with the fake's buckets.
 */
function tokens(seen: SeenRequest, r: Exclude<Reply, { kind: "error" | "hang" }>, counted: boolean) {
  const unscripted = counted ? seen.inputTokens : r.kind === "message" ? seen.prompt.split(/\s+/).length : 10;
  return {
    inputTokens: r.kind === "message" ? (r.inputTokens ?? unscripted) : unscripted,
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
