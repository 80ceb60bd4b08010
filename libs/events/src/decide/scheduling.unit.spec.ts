import { describe, expect, it } from "vitest";
import { TaskNotFoundError } from "../errors.ts";
import type { TaskEvent } from "../events.ts";
import { ev, PARENT_ID, TASK_ID } from "../fixtures.ts";
import { foldEvents } from "../state.ts";
import { type Command, decide } from "./decide.ts";
import { renderChild, renderChildPrompt } from "./render-child.ts";
import { msUntilDue, queueChild } from "./scheduling.ts";

const now = new Date("2026-11-22T10:30:00.000Z");
const at = now.toISOString();
const given = (...events: TaskEvent[]) => foldEvents(events);
const when = (command: Command, state = given()) => decide(command, state, now);
const later = "2026-11-22T11:00:00.000Z";

describe("ScheduleTask", () => {
  const schedule = (announced: boolean): Command => ({ type: "ScheduleTask", taskId: TASK_ID, announced });

  it("given a task due later, then TaskScheduled once: nothing when already announced", () => {
    expect(when(schedule(false), given(ev.submitted({ runAt: later })))).toEqual([
      { type: "TaskScheduled", v: 1, taskId: TASK_ID, at, runAt: later },
    ]);
    expect(when(schedule(true), given(ev.submitted({ runAt: later })))).toEqual([]);
  });

  it("given a task due now or in the past, then nothing to hold", () => {
    expect(when(schedule(false), given(ev.submitted()))).toEqual([]);
    expect(when(schedule(false), given(ev.submitted({ runAt: "2026-11-22T09:00:00.000Z" })))).toEqual([]);
  });

  it("says how long until due", () => {
    expect(msUntilDue(given(ev.submitted({ runAt: later })) ?? never(), now)).toBe(30 * 60_000);
    expect(msUntilDue(given(ev.submitted({ runAt: "2026-11-22T09:00:00.000Z" })) ?? never(), now)).toBe(0);
  });
});

describe("QueueTask", () => {
  const queue = (gen: number): Command => ({ type: "QueueTask", taskId: TASK_ID, gen });

  it("given a waiting task, then TaskQueued with its input, attempts counted on", () => {
    expect(when(queue(1), given(ev.submitted()))).toEqual([ev.queued({ at })]);
    const retried = given(ev.submitted(), ev.queued(), ev.started(), ev.failed({ attempts: 1 }), ev.retryRequested());
    expect(when(queue(2), retried)).toMatchObject([{ type: "TaskQueued", gen: 2, attemptsBefore: 1 }]);
  });

  it("given a batch-mode task, then its TaskQueued says so (and a task of mode now says nothing)", () => {
    expect(when(queue(1), given(ev.submitted({ mode: "batch" })))[0]).toMatchObject({ mode: "batch" });
    expect(when(queue(1), given(ev.submitted({ mode: "now" })))[0]).not.toHaveProperty("mode");
  });

  it("given a resolved chained task, then it keeps its resolved prompt", () => {
    const resolved = given(
      ev.chained(),
      ev.queued({ input: { ...ev.queued().input, prompt: "resolved" } }),
      ev.failed({ attempts: 1 }),
      ev.retryRequested(),
    );
    expect(when(queue(2), resolved)).toMatchObject([{ input: { prompt: "resolved" } }]);
  });

  it("given a cancelled task or another generation, then nothing", () => {
    expect(when(queue(1), given(ev.submitted(), ev.cancelled()))).toEqual([]);
    expect(when(queue(2), given(ev.submitted()))).toEqual([]);
    expect(() => when(queue(1))).toThrow(TaskNotFoundError);
  });
});

describe("AwaitParent", () => {
  it("given a chained task, then TaskAwaitingParent naming its parent", () => {
    expect(when({ type: "AwaitParent", taskId: TASK_ID }, given(ev.chained()))).toEqual([
      { type: "TaskAwaitingParent", v: 1, taskId: TASK_ID, at, parentId: PARENT_ID },
    ]);
  });
  it("given a task with no parent, then an error", () => {
    expect(() => when({ type: "AwaitParent", taskId: TASK_ID }, given(ev.submitted()))).toThrow(/no parent/);
  });
});

describe("SettleChild", () => {
  const limits = { maxPromptChars: 10_000 };
  const child = (prompt = "{{parent.output}}") => given(ev.chained({ prompt }));
  const parentWith = (output: string) => given(ev.submitted(), ev.queued(), ev.completed({ output }));
  const settle = (parent: ReturnType<typeof given>, state = child(), l = limits) =>
    when({ type: "SettleChild", taskId: TASK_ID, parents: [parent], limits: l }, state);

  it("given a completed parent, then TaskQueued on its output", () => {
    expect(settle(parentWith("o"), child("A: {{parent.output}}"))).toMatchObject([
      { type: "TaskQueued", input: { prompt: "A: o" } },
    ]);
  });

  it("given a cancelled, failed or missing parent, then TaskCancelled saying why", () => {
    expect(settle(given(ev.submitted(), ev.cancelled()))).toEqual([
      { type: "TaskCancelled", v: 1, taskId: TASK_ID, at, reason: "parent-cancelled" },
    ]);
    expect(settle(given(ev.submitted(), ev.queued(), ev.failed()))).toMatchObject([{ reason: "parent-failed" }]);
    expect(settle(null)).toMatchObject([{ reason: "parent-not-found" }]);
  });

  it("given a live parent, then nothing: it keeps waiting", () => {
    expect(settle(given(ev.submitted(), ev.queued()))).toEqual([]);
  });

  it("given a rendered prompt past the limit, then TaskCancelled saying the length and the limit", () => {
    expect(settle(parentWith("x".repeat(1000)), child("{{parent.output}}".repeat(11)))).toMatchObject([
      { type: "TaskCancelled", reason: "prompt_too_long: the rendered prompt is 11000 characters; the limit is 10000" },
    ]);
    expect(
      queueChild(child("{{parent.output}}".repeat(10)) ?? never(), ["x".repeat(1000)], now, limits),
    ).toHaveProperty("event");
  });
});

describe("SettleChild on several parents", () => {
  const limits = { maxPromptChars: 10_000 };
  const ids = [PARENT_ID, "1f6a2d3b-1c4f-4b8a-9d2e-7f5a6b4c3d22", "2f6a2d3b-1c4f-4b8a-9d2e-7f5a6b4c3d23"];
  const fanIn = (onParentFailure: "cascade" | "continue" = "cascade") =>
    given(
      ev.chained({
        prompt: "{{parents.0.output}}|{{parents.1.output}}|{{parents.2.output}}",
        parentIds: ids,
        onParentFailure,
        depth: 1,
      }),
    );
  const done = (output: string) => given(ev.submitted(), ev.queued(), ev.completed({ output }));
  const running = given(ev.submitted(), ev.queued(), ev.started());
  const failed = given(ev.submitted(), ev.queued(), ev.failed());
  const cancelledParent = given(ev.submitted(), ev.cancelled());
  const settle = (parents: (ReturnType<typeof given> | null)[], child = fanIn()) =>
    when({ type: "SettleChild", taskId: TASK_ID, parents, limits }, child);

  it("given any parent still on its way, then nothing, whatever the others did", () => {
    expect(settle([done("a"), running, done("c")])).toEqual([]);
    expect(settle([failed, running, done("c")])).toEqual([]);
    expect(settle([failed, running, done("c")], fanIn("continue"))).toEqual([]);
  });

  it("given every parent completed, then TaskQueued on all their outputs", () => {
    expect(settle([done("a"), done("b"), done("c")])).toMatchObject([
      { type: "TaskQueued", input: { prompt: "a|b|c" } },
    ]);
  });

  it("cascade: given a failed, cancelled or missing parent, then TaskCancelled naming it", () => {
    expect(settle([done("a"), failed, done("c")])).toMatchObject([
      { type: "TaskCancelled", reason: `parent-failed: ${ids[1]}` },
    ]);
    expect(settle([done("a"), done("b"), cancelledParent])).toMatchObject([{ reason: `parent-cancelled: ${ids[2]}` }]);
    expect(settle([null, done("b"), done("c")])).toMatchObject([{ reason: `parent-not-found: ${ids[0]}` }]);
  });

  it("continue: given some parents completed, then TaskQueued on theirs, the others empty", () => {
    expect(settle([done("a"), failed, cancelledParent], fanIn("continue"))).toMatchObject([
      { type: "TaskQueued", input: { prompt: "a||" } },
    ]);
  });

  it("continue: given no parent completed, then TaskCancelled naming the first", () => {
    expect(settle([failed, cancelledParent, null], fanIn("continue"))).toMatchObject([
      { type: "TaskCancelled", reason: `parent-failed: ${ids[0]}` },
    ]);
  });

  it("given a rendered prompt past the limit, then TaskCancelled saying so", () => {
    const big = "x".repeat(4000);
    expect(settle([done(big), done(big), done(big)])).toMatchObject([
      { type: "TaskCancelled", reason: expect.stringMatching(/^prompt_too_long/) },
    ]);
  });
});

function never(): never {
  throw new Error("the given events made no task");
}

describe("renderChildPrompt", () => {
  it.each([
    ["fills the token", "Translate: {{parent.output}}", "bonjour", "Translate: bonjour"],
    ["fills every token", "{{parent.output}} / {{parent.output}}", "x", "x / x"],
    ["appends after a blank line when the token is absent", "Summarise this", "text", "Summarise this\n\ntext"],
    [
      "keeps an escaped token literal",
      "Write \\{{parent.output}} then {{parent.output}}",
      "o",
      "Write {{parent.output}} then o",
    ],
    ["appends when only escaped tokens are present", "\\{{parent.output}}", "o", "{{parent.output}}\n\no"],
    [
      "never expands the token inside the output",
      "A: {{parent.output}}",
      "{{parent.output}}!",
      "A: {{parent.output}}!",
    ],
    ["takes $ patterns in the output literally", "A: {{parent.output}}", "$& $1 $$", "A: $& $1 $$"],
    [
      "leaves near-miss tokens alone",
      "{{ parent.output }} {{parent.outputs}}",
      "o",
      "{{ parent.output }} {{parent.outputs}}\n\no",
    ],
    ["handles an empty output", "[{{parent.output}}]", "", "[]"],
  ])("%s", (_what, template, output, expected) => {
    expect(renderChildPrompt(template, [output])).toBe(expected);
  });
});

describe("a chained conversation on its parent's output", () => {
  it("renders the last user turn: its text, its last text block, or a block added after its others", () => {
    const asText = renderChild({ prompt: "", messages: [{ role: "user", content: "Translate: {{parent.output}}" }] }, [
      "Bonjour",
    ]);
    expect(asText.messages).toEqual([{ role: "user", content: "Translate: Bonjour" }]);
    const blocks = renderChild(
      {
        prompt: "",
        messages: [
          { role: "user", content: "earlier {{parent.output}}" },
          { role: "assistant", content: "ok" },
          { role: "user", content: [{ type: "text", text: "Summarise:" }] },
          { role: "assistant", content: "Summary:" },
        ],
      },
      ["the text"],
    );
    expect(blocks.messages?.[0]).toEqual({ role: "user", content: "earlier {{parent.output}}" });
    expect(blocks.messages?.[2]).toEqual({ role: "user", content: [{ type: "text", text: "Summarise:\n\nthe text" }] });
    expect(blocks.messages?.[3]).toEqual({ role: "assistant", content: "Summary:" });
    const image = { type: "image" as const, source: { type: "url" as const, url: "https://x.test/a.png" } };
    const imageOnly = renderChild({ prompt: "", messages: [{ role: "user", content: [image] }] }, ["caption"]);
    expect(imageOnly.messages?.[0]?.content).toEqual([image, { type: "text", text: "caption" }]);
  });

  it("a prompt task renders its prompt and carries no conversation", () => {
    expect(renderChild({ prompt: "Go on: {{parent.output}}" }, ["x"])).toEqual({ prompt: "Go on: x" });
  });

  it("a queued child carries the task's request options and its rendered conversation", () => {
    const child = foldEvents([
      ev.chained({
        prompt: "",
        messages: [{ role: "user", content: "Use {{parent.output}}" }],
        tools: [{ name: "t", inputSchema: { type: "object" } }],
        topK: 5,
      }),
    ]);
    if (child === null) throw new Error("no child");
    const q = queueChild(child, ["OUT"], new Date(), { maxPromptChars: 1000 });
    expect("event" in q && q.event.input).toMatchObject({
      messages: [{ role: "user", content: "Use OUT" }],
      tools: [{ name: "t", inputSchema: { type: "object" } }],
      topK: 5,
    });
  });
});
