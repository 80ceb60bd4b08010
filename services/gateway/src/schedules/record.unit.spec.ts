import { loadConfig } from "@taskjet/runtime";
import { describe, expect, it } from "vitest";
import { newSchedule, patchedSchedule, toScheduleResource } from "./record.ts";
import { CreateScheduleBody } from "./schemas.ts";

const config = loadConfig({ LOG_LEVEL: "silent", DEFAULT_MODEL: "claude-test" });
const created = new Date("2026-11-26T10:00:00.000Z");
const later = new Date("2026-11-26T12:34:56.000Z");
const given = (body: object = {}) =>
  newSchedule(
    CreateScheduleBody.parse({ cron: "0 * * * *", task: { prompt: "p" }, ...body }),
    { id: "5a0a3c1e-7d2b-4c11-9f00-3b1e2d4c5a6b", tenant: "acme", issuedBy: "key1" },
    config,
    created,
  );

describe("a new schedule", () => {
  it("starts its cursor at creation, with the configured defaults resolved into the spec every firing copies", () => {
    const s = given();
    expect(s).toMatchObject({ cursor: created.toISOString(), overlap: "skip", catchUp: "latest", issuedBy: "key1" });
    expect(s.spec).toMatchObject({ prompt: "p", model: "claude-test", tenant: "acme", metadata: {} });
    expect(s.spec).not.toHaveProperty("idempotencyKey");
  });
});

describe("a PATCH", () => {
  it("when it resumes, or changes when ticks fall, moves the cursor to now: the pause and old ticks are not caught up", () => {
    const paused = { ...given(), paused: true };
    expect(patchedSchedule(paused, { paused: false }, null, config, later).cursor).toBe(later.toISOString());
    expect(patchedSchedule(given(), { cron: "*/5 * * * *" }, null, config, later).cursor).toBe(later.toISOString());
    expect(patchedSchedule(given(), { timezone: "Europe/Berlin" }, null, config, later).cursor).toBe(
      later.toISOString(),
    );
  });

  it("when it changes anything else, keeps the cursor and what firing recorded", () => {
    const fired = {
      ...given(),
      firings: 3,
      lastFiring: {
        tick: created.toISOString(),
        taskId: "5a0a3c1e-7d2b-4c11-9f00-3b1e2d4c5a6c",
        at: created.toISOString(),
      },
    };
    const next = patchedSchedule(fired, { name: "renamed", overlap: "allow", paused: true }, "key2", config, later);
    expect(next).toMatchObject({ cursor: created.toISOString(), firings: 3, name: "renamed", issuedBy: "key2" });
    expect(next.lastFiring).toEqual(fired.lastFiring);
  });

  it("replaces the task and its spec together", () => {
    const next = patchedSchedule(given(), { task: { prompt: "q", maxTokens: 9 } }, null, config, later);
    expect(next.task).toEqual({ prompt: "q", maxTokens: 9 });
    expect(next.spec).toMatchObject({ prompt: "q", maxTokens: 9 });
  });
});

describe("the resource", () => {
  it("shows five next runs, none while paused", () => {
    expect(toScheduleResource(given(), created).nextRuns).toHaveLength(5);
    expect(toScheduleResource({ ...given(), paused: true }, created).nextRuns).toEqual([]);
  });
});
