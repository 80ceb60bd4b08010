import { describe, expect, it } from "vitest";
import { TaskSubmitted } from "../events.ts";
import { cronProblem, nextTicks, ScheduleRecord, scheduledTaskId } from "../schedule.ts";
import { created } from "../state.ts";
import {
  abandonedFirings,
  decideScheduleFirings,
  markPublished,
  ON_TIME_MS,
  QUEUE_POLL_MS,
  RECLAIM_AFTER_MS,
  scheduleWakeAt,
} from "./schedule-firings.ts";

const ID = "5a0a3c1e-7d2b-4c11-9f00-3b1e2d4c5a6b";

/** Given: a schedule as its entry holds it, created at `cursor`, nothing fired yet. */
function given(over: Partial<ScheduleRecord> = {}): ScheduleRecord {
  const cursor = over.cursor ?? "2026-11-26T10:00:00.000Z";
  return {
    id: ID,
    tenant: "acme",
    name: null,
    cron: "0 * * * *",
    timezone: "UTC",
    overlap: "allow",
    catchUp: "none",
    catchUpMax: 10,
    startAt: null,
    endAt: null,
    paused: false,
    task: { prompt: "hello" },
    spec: {
      prompt: "hello",
      system: null,
      model: "claude-sonnet-4-6",
      maxTokens: 1024,
      temperature: null,
      maxAttempts: 3,
      timeoutMs: 600_000,
      tenant: "acme",
      metadata: {},
      priority: "normal",
    },
    issuedBy: null,
    createdAt: cursor,
    updatedAt: cursor,
    cursor,
    lastFiring: null,
    lastSkip: null,
    queued: null,
    unpublished: [],
    claimedAt: null,
    firings: 0,
    skips: 0,
    ...over,
  };
}
const at = (iso: string) => new Date(iso);
const ticksOf = (d: ReturnType<typeof decideScheduleFirings>) => d.events.map((e) => e.scheduledFor);

describe("decideScheduleFirings: when ticks are due", () => {
  it("given nothing due yet, then nothing fires and it wakes at the next tick (never early)", () => {
    const d = decideScheduleFirings(given(), null, at("2026-11-26T10:59:59.999Z"));
    expect(d).toEqual({ next: null, events: [], wakeAt: at("2026-11-26T11:00:00.000Z") });
  });

  it("given a tick just due, then one TaskSubmitted with a task id derived from the tick, claimed in the entry", () => {
    const now = at("2026-11-26T11:00:00.040Z");
    const d = decideScheduleFirings(given(), null, now);
    const tick = "2026-11-26T11:00:00.000Z";
    const taskId = scheduledTaskId(ID, tick);
    expect(d.events).toHaveLength(1);
    const event = TaskSubmitted.parse(d.events[0]);
    expect(event).toMatchObject({ taskId, at: now.toISOString(), scheduleId: ID, scheduledFor: tick, tenant: "acme" });
    expect(created(event)).toMatchObject({ scheduleId: ID, scheduledFor: tick, prompt: "hello", status: "submitted" });
    expect(d.next).toMatchObject({
      cursor: now.toISOString(),
      lastFiring: { tick, taskId, at: now.toISOString() },
      unpublished: [{ tick, taskId }],
      claimedAt: now.toISOString(),
      firings: 1,
    });
    expect(d.wakeAt).toEqual(at("2026-11-26T12:00:00.000Z"));
  });

  it("derives the same task id on every instance, and another per tick and per schedule", () => {
    const tick = "2026-11-26T11:00:00.000Z";
    expect(scheduledTaskId(ID, tick)).toBe(scheduledTaskId(ID, "2026-11-26T12:00:00+01:00"));
    expect(scheduledTaskId(ID, tick)).not.toBe(scheduledTaskId(ID, "2026-11-26T12:00:00.000Z"));
    expect(scheduledTaskId(ID, tick)).not.toBe(scheduledTaskId("6a0a3c1e-7d2b-4c11-9f00-3b1e2d4c5a6b", tick));
    expect(scheduledTaskId(ID, tick)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("given the entry already past a tick (another instance fired it), then it is not fired again", () => {
    const d = decideScheduleFirings(
      given({ cursor: "2026-11-26T11:00:00.010Z" }),
      null,
      at("2026-11-26T11:00:00.050Z"),
    );
    expect(d.next).toBeNull();
    expect(d.events).toEqual([]);
  });

  it("given a seconds schedule, then each second is its own tick", () => {
    const s = given({ cron: "* * * * * *", cursor: "2026-11-26T10:00:00.000Z" });
    expect(ticksOf(decideScheduleFirings(s, null, at("2026-11-26T10:00:01.002Z")))).toEqual([
      "2026-11-26T10:00:01.000Z",
    ]);
  });
});

describe("decideScheduleFirings: a rolling upgrade", () => {
  it("given an entry with fields a newer gateway wrote, then they survive the firing's write", () => {
    const newer = ScheduleRecord.parse({ ...given(), future: 1, spec: { ...given().spec, futureOption: true } });
    const d = decideScheduleFirings(newer, null, at("2026-11-26T11:00:00.040Z"));
    expect(ScheduleRecord.parse(d.next)).toMatchObject({ future: 1, spec: { futureOption: true }, firings: 1 });
    expect(TaskSubmitted.parse(d.events[0])).not.toHaveProperty("futureOption");
  });
});

describe("decideScheduleFirings: catch-up after downtime", () => {
  // Down from 10:00 to 13:30: the ticks of 11:00, 12:00 and 13:00 were missed.
  const now = at("2026-11-26T13:30:00.000Z");

  it("given catchUp none, then the missed ticks are dropped and counted", () => {
    const d = decideScheduleFirings(given({ catchUp: "none" }), null, now);
    expect(d.events).toEqual([]);
    expect(d.next).toMatchObject({ cursor: now.toISOString(), skips: 2, lastSkip: { reason: "missed" } });
    expect(d.next?.lastSkip?.tick).toBe("2026-11-26T13:00:00.000Z");
  });

  it("given catchUp none and a tick late by less than ON_TIME_MS, then it still fires", () => {
    const d = decideScheduleFirings(given({ catchUp: "none" }), null, at(`2026-11-26T11:00:${ON_TIME_MS / 2000}.000Z`));
    expect(ticksOf(d)).toEqual(["2026-11-26T11:00:00.000Z"]);
  });

  it("given catchUp latest, then only the latest missed tick fires", () => {
    const d = decideScheduleFirings(given({ catchUp: "latest" }), null, now);
    expect(ticksOf(d)).toEqual(["2026-11-26T13:00:00.000Z"]);
    expect(d.next?.skips).toBe(1);
  });

  it("given catchUp all, then every missed tick fires in order, up to catchUpMax", () => {
    expect(ticksOf(decideScheduleFirings(given({ catchUp: "all" }), null, now))).toEqual([
      "2026-11-26T11:00:00.000Z",
      "2026-11-26T12:00:00.000Z",
      "2026-11-26T13:00:00.000Z",
    ]);
    const capped = decideScheduleFirings(given({ catchUp: "all", catchUpMax: 2 }), null, now);
    expect(ticksOf(capped)).toEqual(["2026-11-26T12:00:00.000Z", "2026-11-26T13:00:00.000Z"]);
    expect(capped.next?.skips).toBe(1);
  });
});

describe("decideScheduleFirings: start, end, pause", () => {
  it("given paused, then nothing fires and no timer is armed", () => {
    expect(decideScheduleFirings(given({ paused: true }), null, at("2026-11-26T11:00:01.000Z"))).toEqual({
      next: null,
      events: [],
      wakeAt: null,
    });
  });

  it("given a start date, then no tick before it fires and the first wake is the first tick from it", () => {
    const s = given({ startAt: "2026-11-26T12:00:00.000Z" });
    expect(decideScheduleFirings(s, null, at("2026-11-26T11:00:00.100Z")).events).toEqual([]);
    expect(decideScheduleFirings(s, null, at("2026-11-26T11:00:00.100Z")).wakeAt).toEqual(
      at("2026-11-26T12:00:00.000Z"),
    );
    expect(ticksOf(decideScheduleFirings(s, null, at("2026-11-26T12:00:00.100Z")))).toEqual([
      "2026-11-26T12:00:00.000Z",
    ]);
  });

  it("given an end date, then ticks after it never fire and, once past it, nothing is armed", () => {
    const s = given({ endAt: "2026-11-26T11:30:00.000Z", catchUp: "all" });
    const d = decideScheduleFirings(s, null, at("2026-11-26T13:00:00.100Z"));
    expect(ticksOf(d)).toEqual(["2026-11-26T11:00:00.000Z"]);
    expect(d.wakeAt).toBeNull();
    expect(decideScheduleFirings(s, null, at("2026-11-26T11:10:00.000Z")).wakeAt).toBeNull();
  });
});

describe("decideScheduleFirings: overlap with the previous firing", () => {
  const previous = { tick: "2026-11-26T10:00:00.000Z", taskId: scheduledTaskId(ID, "2026-11-26T10:00:00.000Z") };
  const now = at("2026-11-26T11:00:00.020Z");
  const withPrevious = (over: Partial<ScheduleRecord>) =>
    given({ lastFiring: { ...previous, at: previous.tick }, firings: 1, ...over });

  it("given skip and the previous firing still running, then the tick is skipped and recorded", () => {
    const d = decideScheduleFirings(withPrevious({ overlap: "skip" }), "running", now);
    expect(d.events).toEqual([]);
    expect(d.next).toMatchObject({
      lastSkip: { tick: "2026-11-26T11:00:00.000Z", reason: "overlap" },
      skips: 1,
      lastFiring: { tick: previous.tick },
    });
  });

  it("given skip and the previous firing finished (or gone from the stream), then the tick fires", () => {
    for (const status of ["completed", "failed", "cancelled", null] as const) {
      expect(ticksOf(decideScheduleFirings(withPrevious({ overlap: "skip" }), status, now))).toEqual([
        "2026-11-26T11:00:00.000Z",
      ]);
    }
  });

  it("given skip and several ticks caught up, then the first fires and the rest overlap it", () => {
    const d = decideScheduleFirings(given({ overlap: "skip", catchUp: "all" }), null, at("2026-11-26T13:30:00Z"));
    expect(ticksOf(d)).toEqual(["2026-11-26T11:00:00.000Z"]);
    expect(d.next?.skips).toBe(2);
  });

  it("given queue and the previous running, then one tick waits (polled), later ones are skipped", () => {
    const first = decideScheduleFirings(withPrevious({ overlap: "queue" }), "queued", now);
    expect(first.events).toEqual([]);
    expect(first.next?.queued).toEqual({ tick: "2026-11-26T11:00:00.000Z" });
    expect(first.wakeAt).toEqual(new Date(now.getTime() + QUEUE_POLL_MS));
    const waiting = first.next ?? given();
    const second = decideScheduleFirings(waiting, "running", at("2026-11-26T12:00:00.020Z"));
    expect(second.next).toMatchObject({ queued: { tick: "2026-11-26T11:00:00.000Z" }, skips: 1 });
    const polled = decideScheduleFirings(waiting, "running", at("2026-11-26T11:00:01.100Z"));
    expect(polled.next).toBeNull();
  });

  it("given queue and the previous finished while a tick waits, then the waiting tick fires", () => {
    const waiting = withPrevious({
      overlap: "queue",
      queued: { tick: "2026-11-26T11:00:00.000Z" },
      cursor: now.toISOString(),
    });
    const d = decideScheduleFirings(waiting, "completed", at("2026-11-26T11:20:00.000Z"));
    expect(ticksOf(d)).toEqual(["2026-11-26T11:00:00.000Z"]);
    expect(d.next).toMatchObject({ queued: null, lastFiring: { tick: "2026-11-26T11:00:00.000Z" } });
    expect(d.wakeAt).toEqual(at("2026-11-26T12:00:00.000Z"));
  });

  it("given allow, then it fires whatever the previous firing is doing", () => {
    expect(ticksOf(decideScheduleFirings(withPrevious({ overlap: "allow" }), "running", now))).toHaveLength(1);
  });
});

describe("decideScheduleFirings: daylight saving time (Europe/Berlin)", () => {
  const berlin = (over: Partial<ScheduleRecord>) => given({ timezone: "Europe/Berlin", catchUp: "all", ...over });

  it("given 02:30 daily on the night the clocks go forward (02:30 does not exist), then it fires once, at 03:00", () => {
    const s = berlin({ cron: "30 2 * * *", cursor: "2026-03-28T12:00:00.000Z" });
    expect(ticksOf(decideScheduleFirings(s, null, at("2026-03-29T12:00:00Z")))).toEqual(["2026-03-29T01:00:00.000Z"]);
  });

  it("given 02:30 daily on the night the clocks go back (02:30 happens twice), then it fires once", () => {
    const s = berlin({ cron: "30 2 * * *", cursor: "2026-10-24T12:00:00.000Z" });
    expect(ticksOf(decideScheduleFirings(s, null, at("2026-10-25T12:00:00Z")))).toHaveLength(1);
  });

  it("given 09:00 daily, then it is 09:00 local on both sides of the change (08:00Z in winter, 07:00Z in summer)", () => {
    const s = berlin({ cron: "0 9 * * *" });
    expect(nextTicks(s, at("2026-03-28T00:00:00Z"), 2).map((d) => d.toISOString())).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
    ]);
  });
});

describe("firings left unpublished", () => {
  const tick = "2026-11-26T11:00:00.000Z";
  const claimed = given({
    unpublished: [{ tick, taskId: scheduledTaskId(ID, tick) }],
    claimedAt: "2026-11-26T11:00:00.010Z",
    cursor: "2026-11-26T11:00:00.010Z",
  });

  it("given a claim younger than RECLAIM_AFTER_MS, then its claimer is left to publish it", () => {
    expect(abandonedFirings(claimed, at("2026-11-26T11:00:01.000Z"))).toEqual([]);
    expect(scheduleWakeAt(claimed, at("2026-11-26T11:00:01.000Z"))).toEqual(
      new Date(Date.parse("2026-11-26T11:00:00.010Z") + RECLAIM_AFTER_MS),
    );
  });

  it("given an older claim, then its TaskSubmitted is rebuilt with the same task id, and cleared once published", () => {
    const events = abandonedFirings(claimed, at("2026-11-26T11:00:05.000Z"));
    expect(events.map((e) => [e.taskId, e.scheduledFor])).toEqual([[scheduledTaskId(ID, tick), tick]]);
    expect(markPublished(claimed, [scheduledTaskId(ID, tick)])).toMatchObject({ unpublished: [], claimedAt: null });
    expect(markPublished(claimed, ["00000000-0000-4000-8000-000000000000"])).toBeNull();
  });
});

describe("cronProblem", () => {
  it("names what is wrong: the expression, a time zone, a date that never comes", () => {
    expect(cronProblem("*/5 * * * *", "Europe/Berlin")).toBeNull();
    expect(cronProblem("* * * * * *", "UTC")).toBeNull();
    expect(cronProblem("61 * * * *", "UTC")).toMatchObject({ field: "cron" });
    expect(cronProblem("every day", "UTC")).toMatchObject({ field: "cron" });
    expect(cronProblem("0 0 31 2 *", "UTC")).toEqual({ field: "cron", message: "never fires" });
    expect(cronProblem("* * * * *", "Mars/Olympus")).toMatchObject({ field: "timezone" });
  });
});
