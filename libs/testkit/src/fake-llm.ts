import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { estimateTokens, type FakeLimits, tokenBuckets } from "./fake-limits.ts";
import { fakeBatchApi } from "./fake-llm-batches.ts";
import type { Reply, SeenRequest, WireMessage } from "./fake-llm-types.ts";
import { respondAsAnthropic, respondAsOpenai } from "./fake-llm-wire.ts";

export type { FakeBatch } from "./fake-llm-batches.ts";

export type { FakeBlock, Reply, SeenRequest, WireBlock, WireMessage } from "./fake-llm-types.ts";

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
  /**
   * Message Batches end only when the test says (`endBatches`, `expireBatch`) instead of at once: a batch stays
   * `in_progress` to be cancelled, or polled.
   */
  holdBatches?: boolean;
};

/**
 * A stand-in for Anthropic's Messages API and for an OpenAI-compatible chat-completions server, for tests that
 * drive the real SDKs: JSON and SSE streaming as each API sends them (Anthropic: message_start,
 * content_block_* per block, ping, message_delta with usage, message_stop; OpenAI: chunks, `tool_calls`
 * deltas, a usage chunk, `[DONE]`), scripted content blocks (text, thinking, tool calls),
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
  let url = "";
  let holdBatches = opts.holdBatches ?? false;
  const batchApi = fakeBatchApi({ reply, baseUrl: () => url, hold: () => holdBatches, now, lastUserTurn });
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
      if (batchApi.handle(req, raw, res)) return;
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
        prompt: lastUserTurn(body.messages),
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
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    /** Every Message Batch created (`POST /v1/messages/batches`), oldest first, with its requests and state. */
    batches: batchApi.batches,
    /** Ends held batches (one, or all): each request gets the result its reply script gives. */
    endBatches: batchApi.end,
    expireBatch: batchApi.expire,
    /** From now on, batches end at once (false) or wait for `endBatches` (true). */
    holdBatches(hold: boolean) {
      holdBatches = hold;
    },
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

/**
 * The text of the last user turn: what follows the last assistant message (a user message; in chat completions
 * also the `tool` messages that answer its calls), its text and its tool results' text, a line each.
 */
function lastUserTurn(messages: WireMessage[]): string {
  const turn = messages.slice(messages.findLastIndex((m) => m.role === "assistant") + 1);
  return turn
    .filter((m) => m.role === "user" || m.role === "tool")
    .flatMap((m) =>
      typeof m.content === "string"
        ? [m.content]
        : (m.content ?? []).map((b) => (b.type === "tool_result" ? textOf(b.content) : textOf([b]))),
    )
    .filter(Boolean)
    .join("\n");
}

const routes: Record<string, SeenRequest["api"]> = {
  "/v1/messages": "anthropic",
  "/v1/chat/completions": "openai",
};
