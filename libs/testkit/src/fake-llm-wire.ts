import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FakeBlock, Reply, SeenRequest } from "./fake-llm-types.ts";

/** A reply that writes a message (whole, or until it drops or errors). */
type Streamed = Exclude<Reply, { kind: "error" | "hang" }>;

const sse = (res: ServerResponse, event: string, data: unknown) =>
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const split = (text: string, n: number) => {
  const size = Math.max(1, Math.ceil(text.length / n));
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
};

/** The blocks a reply answers with: its `content`, else its text as one block. */
const blocksOf = (r: Streamed): FakeBlock[] =>
  r.kind === "message" && r.content ? r.content : [{ type: "text", text: r.text }];

/** What a block streams: its text, its thinking, or its input as JSON. */
const streamedText = (b: FakeBlock) =>
  b.type === "text" ? b.text : b.type === "thinking" ? b.thinking : JSON.stringify(b.input);

/**
 * The usage a reply reports. Under limits (`counted`), input is what the limits charged (a reply's own
 * `inputTokens` aside), so a client that reconciles with the reported usage agrees with the fake's buckets.
 */
function tokens(seen: SeenRequest, r: Streamed, counted: boolean) {
  const unscripted = counted ? seen.inputTokens : r.kind === "message" ? seen.prompt.split(/\s+/).length : 10;
  const words = blocksOf(r).map((b) => streamedText(b).split(/\s+/).filter(Boolean).length);
  return {
    inputTokens: r.kind === "message" ? (r.inputTokens ?? unscripted) : unscripted,
    outputTokens: words.reduce((a, b) => a + b, 0),
  };
}

/** Why the message stopped, by default: to call a tool when it did, else at its end. */
const stopOf = (r: Streamed) =>
  (r.kind === "message" && r.stopReason) || (blocksOf(r).some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");

/** Writes a block's text in pieces, counting them; false once the client went away. */
async function streamPieces(
  seen: SeenRequest,
  res: ServerResponse,
  r: Streamed,
  text: string,
  write: (p: string) => void,
) {
  for (const piece of split(text, r.kind === "sse-error" ? 2 : (r.pieces ?? 4))) {
    if (res.destroyed) return false;
    write(piece);
    seen.piecesSent++;
    await sleep(r.kind === "message" && r.pieceDelayMs ? r.pieceDelayMs : 1);
  }
  return !res.destroyed;
}

/** After the blocks: a dropped reply drops the connection, an SSE error is sent; true when the message goes on. */
function ended(res: ServerResponse, r: Streamed, sendError: (type: string, message: string) => void) {
  if (r.kind === "drop") {
    res.destroy();
    return false;
  }
  if (r.kind === "sse-error") {
    sendError(r.type, r.message);
    res.end();
    return false;
  }
  return true;
}

export async function respondAsAnthropic(
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
  const { inputTokens, outputTokens } = tokens(seen, r, counted);
  const cached =
    r.kind === "message" && r.cache
      ? { cache_creation_input_tokens: r.cache.creationInputTokens, cache_read_input_tokens: r.cache.readInputTokens }
      : {};
  const id = `msg_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const blocks = blocksOf(r);
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
        content: blocks,
        stop_reason: stopOf(r),
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens, ...cached },
      }),
    );
    return;
  }
  const headers = { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId };
  res.writeHead(200, { ...headers, ...limitHeaders });
  const usage = { input_tokens: inputTokens, output_tokens: 1, ...cached };
  const message = {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  sse(res, "message_start", { type: "message_start", message: { ...message, usage } });
  for (const [index, b] of blocks.entries()) {
    const delta = (d: object) => sse(res, "content_block_delta", { type: "content_block_delta", index, delta: d });
    sse(res, "content_block_start", { type: "content_block_start", index, content_block: startOf(b) });
    if (index === 0) sse(res, "ping", { type: "ping" });
    const write =
      b.type === "text"
        ? (text: string) => delta({ type: "text_delta", text })
        : b.type === "thinking"
          ? (thinking: string) => delta({ type: "thinking_delta", thinking })
          : (partial_json: string) => delta({ type: "input_json_delta", partial_json });
    if (!(await streamPieces(seen, res, r, streamedText(b), write))) return;
    if (b.type === "thinking") delta({ type: "signature_delta", signature: b.signature });
    if (index === blocks.length - 1 && !ended(res, r, (type, msg) => sse(res, "error", errorBody(type, msg)))) return;
    sse(res, "content_block_stop", { type: "content_block_stop", index });
  }
  seen.outputTokens = outputTokens;
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: stopOf(r), stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

const errorBody = (type: string, message: string) => ({ type: "error", error: { type, message } });

/** A block as `content_block_start` opens it: empty, to be filled by its deltas. */
const startOf = (b: FakeBlock) =>
  b.type === "text"
    ? { type: "text", text: "" }
    : b.type === "thinking"
      ? { type: "thinking", thinking: "", signature: "" }
      : { type: "tool_use", id: b.id, name: b.name, input: {} };

/** Anthropic's stop reasons in chat-completions words; a reply scripted in those words is sent as it is. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** OpenAI's chat-completions wire format: `data:` lines of `chat.completion.chunk`, a usage chunk, `[DONE]`. */
export async function respondAsOpenai(
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
  // Chat completions counts cached prompt tokens inside `prompt_tokens` and names them in its details; it has no
  // cache writes (a prompt is cached as it is read, at the input price), so scripted ones are plain prompt tokens.
  const cache = r.kind === "message" ? r.cache : undefined;
  const promptTokens = inputTokens + (cache ? cache.creationInputTokens + cache.readInputTokens : 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: outputTokens,
    total_tokens: promptTokens + outputTokens,
    ...(cache ? { prompt_tokens_details: { cached_tokens: cache.readInputTokens } } : {}),
  };
  const id = `chatcmpl-${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = FINISH_REASONS[stopOf(r)] ?? stopOf(r);
  // Chat completions has no thinking: a model's reasoning is not part of the reply.
  const blocks = blocksOf(r).filter((b) => b.type !== "thinking");
  const calls = blocks.flatMap((b) => (b.type === "tool_use" ? [b] : []));
  const toolCall = (b: Extract<FakeBlock, { type: "tool_use" }>, args: string) => ({
    id: b.id,
    type: "function",
    function: { name: b.name, arguments: args },
  });
  if (!seen.body.stream && r.kind === "message") {
    seen.outputTokens = outputTokens;
    const text = blocks.map((b) => (b.type === "text" ? b.text : "")).join("");
    const message = {
      role: "assistant",
      content: text === "" && calls.length ? null : text,
      ...(calls.length ? { tool_calls: calls.map((b) => toolCall(b, JSON.stringify(b.input))) } : {}),
    };
    res.writeHead(200, { "content-type": "application/json", ...limitHeaders });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finishReason }],
        usage,
      }),
    );
    return;
  }
  const chunk = (choices: unknown[], extra: object = {}) =>
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`,
    );
  const delta = (d: object) => chunk([{ index: 0, delta: d, finish_reason: null }]);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...limitHeaders });
  delta({ role: "assistant", content: "" });
  const sendError = (type: string, message: string) =>
    res.write(`data: ${JSON.stringify({ error: { type, message } })}\n\n`);
  for (const [i, b] of blocks.entries()) {
    let write = (content: string) => delta({ content });
    if (b.type === "tool_use") {
      const index = calls.indexOf(b);
      delta({ tool_calls: [{ index, ...toolCall(b, "") }] });
      write = (args) => delta({ tool_calls: [{ index, function: { arguments: args } }] });
    }
    if (!(await streamPieces(seen, res, r, streamedText(b), write))) return;
    if (i === blocks.length - 1 && !ended(res, r, sendError)) return;
  }
  chunk([{ index: 0, delta: {}, finish_reason: finishReason }]);
  seen.outputTokens = outputTokens;
  if (seen.body.stream_options?.include_usage) chunk([], { usage });
  res.write("data: [DONE]\n\n");
  res.end();
}
