import { type Priority, TenantFlow, type WaitReason } from "@taskjet/events";
import { createLogger, loadConfig } from "@taskjet/runtime";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Candidate, createAdmission, type LaneBudgets, type Ticket } from "./admission.ts";

const log = createLogger("admission-test", loadConfig({ LOG_LEVEL: "silent" }));
const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const need = { requests: 1, inputTokens: 10, outputTokens: 10 };
let seq = 0;
const candidate = (o: Partial<Candidate> = {}): Candidate => {
  const id = `task-${++seq}`;
  return {
    ...{ id, taskId: id, gen: 1, lane: "fake/m", tenant: "acme", priority: "normal" as Priority },
    ...{ heldAt: Date.now(), need, timeoutMs: 1000 },
    ...o,
  };
};

/** A lane that admits while `open` says so, else waits with `reason`. Settles are recorded. */
function scriptedLanes() {
  const state = { open: true, reason: "lane_budget" as WaitReason, untilMs: null as number | null, settled: 0 };
  const lanes: LaneBudgets = {
    async reserve() {
      return state.open
        ? { ok: true, reserved: { shared: false, need } }
        : { ok: false, reason: state.reason, untilMs: state.untilMs };
    },
    async settle() {
      state.settled++;
    },
  };
  return { state, lanes };
}

function setup(o: { runLimit?: number; spend?: Set<string> } = {}) {
  const { state, lanes } = scriptedLanes();
  const waited: { taskId: string; reason: WaitReason; until: number | null }[] = [];
  const over = o.spend ?? new Set<string>();
  const admission = createAdmission({
    runLimit: o.runLimit ?? 1,
    agingMs: 60_000,
    lanes,
    tenants: {
      flowOf: () => TenantFlow.parse({}),
      overSpend: (t) => over.has(t),
      charge: async () => undefined,
    },
    now: () => new Date(),
    random: () => 0,
    log,
    onWaiting: (task, wait) => waited.push({ taskId: task.taskId, ...wait }),
  });
  return { admission, state, waited, over };
}
const never = new AbortController().signal;
const end = (t: Ticket | null) => t?.end({ used: null, headers: {}, pauseMs: null });

afterEach(() => {
  vi.useRealTimers();
});

describe("admission", () => {
  it("runs at most runLimit at once; a freed slot admits the next in order (high first)", async () => {
    const { admission } = setup({ runLimit: 1 });
    const first = await admission.admit(candidate(), never);
    let second: Ticket | null = null;
    let high: Ticket | null = null;
    void admission.admit(candidate(), never).then((t) => {
      second = t;
    });
    void admission.admit(candidate({ priority: "high" }), never).then((t) => {
      high = t;
    });
    await vi.waitFor(() => expect(admission.snapshot().held).toHaveLength(2));
    expect(admission.snapshot().running).toBe(1);
    await end(first);
    await vi.waitFor(() => expect(high).not.toBeNull());
    expect(second).toBeNull();
    admission.close();
  });

  it("a held task gets one TaskWaiting after a second, not one per look; a new reason one more, 10 s on at the soonest", async () => {
    vi.useFakeTimers({ now: T0 });
    const { admission, state, waited } = setup({ runLimit: 4 });
    state.open = false;
    void admission.admit(candidate({ heldAt: T0 }), never);
    await vi.advanceTimersByTimeAsync(900);
    expect(waited).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(3000);
    admission.poke();
    await vi.advanceTimersByTimeAsync(3000);
    expect(waited).toEqual([expect.objectContaining({ reason: "lane_budget" })]);
    state.reason = "rate_limited";
    state.untilMs = T0 + 60_000;
    admission.poke();
    await vi.advanceTimersByTimeAsync(1000);
    expect(waited.map((w) => w.reason)).toEqual(["lane_budget"]); // not twice within 10 s
    await vi.advanceTimersByTimeAsync(10_000);
    expect(waited.map((w) => w.reason)).toEqual(["lane_budget", "rate_limited"]);
    expect(waited[1]?.until).toBe(T0 + 60_000);
    admission.close();
  });

  it("a tenant over its spend limit is held with spend_limit while others run; raising it releases the work", async () => {
    const { admission, over } = setup({ runLimit: 4, spend: new Set(["spender"]) });
    let held: Ticket | null = null;
    void admission.admit(candidate({ tenant: "spender" }), never).then((t) => {
      held = t;
    });
    const other = await admission.admit(candidate({ tenant: "other" }), never);
    expect(other).not.toBeNull();
    await vi.waitFor(() => expect(admission.snapshot().held[0]?.wait?.reason).toBe("spend_limit"));
    over.delete("spender"); // the watch saw the limit raised
    admission.poke();
    await vi.waitFor(() => expect(held).not.toBeNull());
    admission.close();
  });

  it("a held task whose signal aborts (cancelled) resolves null; close hands every held task back", async () => {
    const { admission, state } = setup({ runLimit: 4 });
    state.open = false;
    const cancel = new AbortController();
    const cancelled = admission.admit(candidate(), cancel.signal);
    const handedBack = admission.admit(candidate(), never);
    cancel.abort();
    expect(await cancelled).toBeNull();
    admission.close();
    expect(await handedBack).toBeNull();
    expect(await admission.admit(candidate(), never)).toBeNull();
  });
});
