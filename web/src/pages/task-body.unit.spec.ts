import { describe, expect, it } from "vitest";
import type { Task } from "../api/client.ts";
import { curlCommands } from "./curl-panel.tsx";
import { bodyOf } from "./task-body.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");

/** A task as GET /tasks/:id answers, with nothing but the defaults set. */
function task(fields: Partial<Task> = {}): Task {
  return {
    id: "8d100074-3c1b-4f7e-9a55-1d2f6b0c7e21",
    status: "completed",
    prompt: "Say hi",
    system: null,
    model: "claude-sonnet-4-6",
    maxTokens: 1024,
    temperature: null,
    runAt: null,
    parentId: null,
    parentIds: [],
    onParentFailure: "cascade",
    scheduleId: null,
    scheduledFor: null,
    attempts: 1,
    maxAttempts: 3,
    timeoutSeconds: 600,
    output: "hi",
    content: null,
    error: null,
    usage: null,
    costUsd: 0,
    cached: false,
    stopReason: "end_turn",
    cancelReason: null,
    metadata: {},
    priority: "normal",
    webhook: null,
    waiting: null,
    createdAt: "2026-11-26T11:00:00.000Z",
    updatedAt: "2026-11-26T11:00:01.000Z",
    startedAt: "2026-11-26T11:00:00.100Z",
    finishedAt: "2026-11-26T11:00:01.000Z",
    quarantinedSeq: null,
    ...fields,
  };
}

describe("the body that runs a task again", () => {
  it("given a plain task, sends its prompt and the settings it ran with, and no defaults it did not change", () => {
    expect(bodyOf(task(), NOW)).toEqual({
      prompt: "Say hi",
      model: "claude-sonnet-4-6",
      maxTokens: 1024,
      maxAttempts: 3,
      timeoutSeconds: 600,
    });
  });

  it("given a conversation, sends its messages and no prompt (an empty one is a 400)", () => {
    const messages = [{ role: "user" as const, content: "What is the weather in Paris?" }];
    const body = bodyOf(task({ prompt: "", messages }), NOW);
    expect(body.messages).toEqual(messages);
    expect("prompt" in body).toBe(false);
  });

  it("given every field set, sends every one of them as the task holds it", () => {
    const fields = {
      system: [{ type: "text" as const, text: "Be brief.", cacheControl: { type: "ephemeral" as const } }],
      temperature: 0,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      tools: [{ name: "get_weather", inputSchema: { type: "object" as const } }],
      toolChoice: { type: "auto" as const },
      thinking: { type: "enabled" as const, budgetTokens: 1024 },
      serviceTier: "auto" as const,
      outputSchema: { type: "object" },
      provider: "fake" as const,
      fallbackModels: ["claude-haiku-4-5"],
      cache: { ttlSeconds: 60 },
      maxAttempts: 5,
      timeoutSeconds: 30,
      priority: "high" as const,
      metadata: { team: "search", userId: "u1" },
    };
    expect(bodyOf(task({ ...fields, maxTokens: 4096 }), NOW)).toEqual({
      prompt: "Say hi",
      model: "claude-sonnet-4-6",
      maxTokens: 4096,
      ...fields,
    });
  });

  it("keeps a runAt still to come, and drops one that has passed (the task ran: again means now)", () => {
    expect(bodyOf(task({ status: "scheduled", runAt: "2026-11-26T13:00:00.000Z" }), NOW).runAt).toBe(
      "2026-11-26T13:00:00.000Z",
    );
    expect("runAt" in bodyOf(task({ runAt: "2026-11-26T11:00:00.000Z" }), NOW)).toBe(false);
  });

  it("given a chained task still waiting on its parents, sends them: its prompt is still the template", () => {
    const parents = { parentId: "p1", parentIds: ["p1", "p2"], onParentFailure: "continue" as const };
    const waiting = task({ status: "awaiting_parent", prompt: "Join: {{parents.output}}", ...parents });
    expect(bodyOf(waiting, NOW)).toMatchObject({ parentIds: ["p1", "p2"], onParentFailure: "continue" });
  });

  it("given a chained task that ran, sends its rendered input alone (with the parents it would be put in twice)", () => {
    const ran = task({ prompt: "Join: red\n\nblue", parentId: "p1", parentIds: ["p1", "p2"] });
    const body = bodyOf(ran, NOW);
    expect(body.prompt).toBe("Join: red\n\nblue");
    expect("parentIds" in body).toBe(false);
    expect("onParentFailure" in body).toBe(false);
  });
});

describe("the curl that runs a task again", () => {
  it("posts that body, quoted for the shell", () => {
    const t = task({ prompt: "It's late", metadata: { who: "O'Brien" } });
    const again = curlCommands(t, "http://localhost:8000", false, NOW).find((c) => c.label === "Run it again");
    const quoted = again?.command.match(/ -d '((?:[^']|'\\'')*)' http:\/\/localhost:8000\/tasks$/)?.[1];
    expect(JSON.parse(quoted?.replaceAll("'\\''", "'") ?? "null")).toEqual(bodyOf(t, NOW));
  });
});
