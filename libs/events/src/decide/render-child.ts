import type { Message } from "../model-request.ts";

/** The token a chained task's prompt uses for its parent's output. */
export const PARENT_OUTPUT = "{{parent.output}}";

/** Each parent's output in the order of `parentIds`; null for a parent that did not complete. */
export type ParentOutputs = readonly (string | null)[];

/** What a task runs with: as created, or a chained task's prompt and conversation as rendered on its parents. */
export type Rendered = { prompt: string; messages?: Message[] | undefined };

const TOKEN = /\\?\{\{(parent\.output|parents\.output|parents\.(\d+)\.output)\}\}/g;

/** Every completed parent's output, in order, a blank line apart: what a template with no index gets. */
export function joinedOutput(outputs: ParentOutputs): string {
  return outputs.filter((o) => o !== null).join("\n\n");
}

/**
 * A chained task's prompt with its parents' output filled in: `{{parents.<n>.output}}` is parent n's (0-based;
 * empty if it did not complete), `{{parents.output}}` — and `{{parent.output}}`, a single chain's token — all
 * of them joined. Every token is replaced in one pass, so an output that itself contains a token is inserted
 * as it is, never expanded again. A token written `\{{…}}` stands for itself, as does an index with no parent.
 * With no (unescaped) token, the joined output is appended after a blank line.
 */
export function renderChildPrompt(template: string, outputs: ParentOutputs): string {
  let used = false;
  const rendered = template.replace(TOKEN, (match, _name: string, index: string | undefined) => {
    if (match.startsWith("\\")) return match.slice(1);
    if (index === undefined) {
      used = true;
      return joinedOutput(outputs);
    }
    const n = Number(index);
    if (n >= outputs.length) return match;
    used = true;
    return outputs[n] ?? "";
  });
  return used ? rendered : `${rendered}\n\n${joinedOutput(outputs)}`;
}

/**
 * A chained task's input on its parents' output: its prompt rendered, or — for a conversation — its last user
 * turn (the text, or its last text block; a text block is added to a turn of other blocks).
 */
export function renderChild(child: Rendered, outputs: ParentOutputs): Rendered {
  if (child.messages === undefined) return { prompt: renderChildPrompt(child.prompt, outputs) };
  const messages = [...child.messages];
  const last = messages.findLastIndex((m) => m.role === "user");
  const turn = messages[last];
  if (turn === undefined) return { prompt: child.prompt, messages };
  if (typeof turn.content === "string") {
    messages[last] = { ...turn, content: renderChildPrompt(turn.content, outputs) };
  } else {
    const blocks = [...turn.content];
    const textAt = blocks.findLastIndex((b) => b.type === "text");
    const text = blocks[textAt];
    if (text?.type === "text") blocks[textAt] = { ...text, text: renderChildPrompt(text.text, outputs) };
    else blocks.push({ type: "text", text: joinedOutput(outputs) });
    messages[last] = { ...turn, content: blocks };
  }
  return { prompt: child.prompt, messages };
}
