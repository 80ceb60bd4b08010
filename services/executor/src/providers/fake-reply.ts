import { createHash } from "node:crypto";
import { type ContentBlock, conversationOf, lastUserText, type ModelInput, type OutputBlock } from "@taskjet/events";
import { MARKER, parseFakeMarkers } from "./fake-markers.ts";
import { mismatchOf, sampleOf } from "./fake-sample.ts";

/** What the fake answers a request with: its blocks, in order, and why it stopped. */
export type FakeReply = { content: OutputBlock[]; stopReason: string };

/**
 * The fake model's answer, decided by the request alone (and `invalid`, the marker's count): a call of a tool
 * when it has tools and the last turn is not a tool's result; after a result, an answer that mentions it;
 * JSON its `outputSchema` accepts (or, when `invalid`, does not); else the echo of the last user turn, saying
 * what images and documents came with it. Thinking, when asked for, comes first; the text is cut at a stop
 * sequence or at `maxTokens` words, as a model's is.
 */
export function fakeReply(req: ModelInput, opts: { replyChars?: number; invalid?: boolean } = {}): FakeReply {
  const prompt = lastUserText(req);
  const thinking: OutputBlock[] =
    req.thinking === undefined || req.thinking.type === "disabled"
      ? []
      : [{ type: "thinking", thinking: thinkingAbout(prompt), signature: `fake-signature-${digest(prompt)}` }];
  const lastTurn = conversationOf(req).findLast((m) => m.role === "user")?.content;
  const blocks = typeof lastTurn === "string" || lastTurn === undefined ? [] : lastTurn;
  const result = blocks.find((b) => b.type === "tool_result");
  const call = result === undefined ? toolCall(req, prompt) : null;
  if (call) return { content: [...thinking, call], stopReason: "tool_use" };
  const { text, stopReason } = cut(answer(req, prompt, blocks, result, opts), req);
  return { content: [...thinking, { type: "text", text }], stopReason };
}

function answer(
  req: ModelInput,
  prompt: string,
  blocks: ContentBlock[],
  result: ContentBlock | undefined,
  opts: { replyChars?: number; invalid?: boolean },
): string {
  if (req.outputSchema !== undefined) {
    return JSON.stringify(opts.invalid ? mismatchOf(req.outputSchema) : sampleOf(req.outputSchema, "output"));
  }
  if (result?.type === "tool_result") {
    return `Fake reply to the tool's ${result.isError ? "error" : "result"}: ${prompt}`;
  }
  const seen = blocks.flatMap(attachment);
  const echo = fakeOutput(prompt, opts.replyChars);
  return seen.length === 0 ? echo : `${echo} (with ${seen.join(" and ")})`;
}

/** The tool the model calls, with an input made from its schema; null when it answers instead. */
function toolCall(req: ModelInput, prompt: string): OutputBlock | null {
  if (!req.tools?.length || req.toolChoice?.type === "none") return null;
  const choice = req.toolChoice;
  const tool = (choice?.type === "tool" && req.tools.find((t) => t.name === choice.name)) || req.tools[0];
  if (tool === undefined) return null;
  const input = sampleOf(tool.inputSchema, tool.name) as Record<string, unknown>;
  return { type: "tool_use", id: `toolu_fake_${digest(`${tool.name}\n${prompt}`)}`, name: tool.name, input };
}

/** What an image or document block is, in a few words: what the echo says it saw. */
function attachment(b: ContentBlock): string[] {
  if (b.type !== "image" && b.type !== "document") return [];
  const what = b.type === "image" ? "an image" : "a document";
  const s = b.source;
  if (s.type === "url") return [`${what} (${s.url})`];
  if (s.type === "text") return [`${what} (text/plain, ${s.data.length} characters)`];
  return [`${what} (${s.mediaType}, ${Buffer.from(s.data, "base64").length} bytes)`];
}

/** The text cut where the model would stop: at the first stop sequence, or after `maxTokens` words. */
function cut(text: string, req: ModelInput): { text: string; stopReason: string } {
  const at = Math.min(...(req.stopSequences ?? []).map((s) => text.indexOf(s)).filter((i) => i >= 0));
  const stopped = Number.isFinite(at) ? text.slice(0, at) : text;
  const words = stopped.match(/\S+\s*/g) ?? [];
  if (words.length > req.maxTokens)
    return { text: words.slice(0, req.maxTokens).join("").trimEnd(), stopReason: "max_tokens" };
  return { text: stopped, stopReason: stopped === text ? "end_turn" : "stop_sequence" };
}

const thinkingAbout = (prompt: string) =>
  `The user wrote: "${prompt.replace(MARKER, "").trim()}". ` +
  "This is the fake model, so there is nothing to work out. " +
  "An answer that repeats the question is what the caller expects.";

const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/** What a slow reply goes on with after the echo: long enough to watch it grow, and to cancel it. */
const SLOW_TAIL =
  "Messages wait in the stream until a worker is free. Each one is taken, worked on, and acknowledged; " +
  "one that fails comes back later, after a pause that grows each time, and one that is cancelled stops " +
  "where it is. Nothing is lost when a process dies: the log remembers what happened, and the read model " +
  "is folded again from it. This reply is slow on purpose, one word at a time, so that you can watch it " +
  "arrive, or cancel it before it ends.";

/**
 * The fake's reply: the prompt echoed without its markers (so a task chained onto it is not marked too), a
 * longer text after it when slow, padded with dots to `minLength` characters (a benchmark's realistic size).
 */
export function fakeOutput(prompt: string, minLength = 0): string {
  const unmarked = prompt.replace(MARKER, "");
  const echo = `Fake reply to: ${unmarked === prompt ? prompt : unmarked.replace(/ {2,}/g, " ").trim()}`;
  const reply = parseFakeMarkers(prompt).slowMs === null ? echo : `${echo}\n\n${SLOW_TAIL}`;
  return reply.padEnd(minLength, ".");
}
