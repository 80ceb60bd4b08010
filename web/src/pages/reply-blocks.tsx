// What a task said and what it answered beyond plain text: the turns of its conversation, its thinking (as it
// streams, then as kept), and the tool calls of its reply.
import type { Task } from "../api/client.ts";

type Message = NonNullable<Task["messages"]>[number];
type Block = Exclude<Message["content"], string>[number];

/** One block of a turn, as a line a person can scan: text as it is, anything else by what it is. */
export function blockText(b: Block): string {
  switch (b.type) {
    case "text":
      return b.text;
    case "image":
      return b.source.type === "url" ? `[image ${b.source.url}]` : `[image, ${b.source.mediaType}]`;
    case "document":
      return `[document${b.title ? ` “${b.title}”` : ""}]`;
    case "tool_use":
      return `→ ${b.name}(${JSON.stringify(b.input)})`;
    case "tool_result": {
      const content = typeof b.content === "string" ? b.content : (b.content ?? []).map(blockText).join(" ");
      return `← ${b.isError ? "error: " : ""}${content}`;
    }
    case "thinking":
      return `[thinking] ${b.thinking}`;
    case "redacted_thinking":
      return "[redacted thinking]";
  }
}

export function Conversation({ messages }: { messages: readonly Message[] }) {
  return (
    <ol className="conversation" aria-label="Conversation">
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: turns never move; their position is their identity
        <li key={i} className={`turn turn-${m.role}`}>
          <span className="turn-role">{m.role}</span>
          <pre className="text-block">
            {typeof m.content === "string" ? m.content : m.content.map(blockText).join("\n")}
          </pre>
        </li>
      ))}
    </ol>
  );
}

/** The thinking of a reply: streamed while it runs, the kept blocks once it has ended. */
export function Thinking({ task, streamed }: { task: Task; streamed: string }) {
  const kept = (task.content ?? []).flatMap((b) => (b.type === "thinking" ? [b.thinking] : []));
  const text = kept.length > 0 ? kept.join("\n\n") : streamed;
  if (text === "") return null;
  return (
    <section aria-label="Thinking">
      <h2>Thinking</h2>
      <pre className="text-block thinking">{text}</pre>
    </section>
  );
}

export function ToolCalls({ task }: { task: Task }) {
  const calls = (task.content ?? []).flatMap((b) => (b.type === "tool_use" ? [b] : []));
  if (calls.length === 0) return null;
  return (
    <section aria-label="Tool calls">
      <h2>Tool calls</h2>
      {calls.map((c) => (
        <div key={c.id} className="tool-call">
          <code>{c.name}</code> <span className="muted mono">{c.id}</span>
          <pre className="text-block mono">{JSON.stringify(c.input, null, 2)}</pre>
        </div>
      ))}
    </section>
  );
}

/** What a task is about, for its title and its row: its prompt, or the last user turn of its conversation. */
export function promptOf(task: Pick<Task, "prompt" | "messages">): string {
  if (task.prompt !== "" || !task.messages) return task.prompt;
  const user = [...task.messages].reverse().find((m) => m.role === "user");
  if (!user) return "";
  return typeof user.content === "string" ? user.content : user.content.map(blockText).join(" ");
}
