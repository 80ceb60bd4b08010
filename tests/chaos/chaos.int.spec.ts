import { postgresBinDir } from "@taskjet/testkit";
import { BOUNDS, failures, renderChaosReport, runChaos, SLOW_SETTLE_MS } from "@taskjet/tools/chaos";
import { describe, expect, it } from "vitest";

// The chaos run in small: its own nats-server and Postgres, the real services as processes, a kill -9 of
// each service and a restart of each server while 300 tasks are submitted (each retried with its
// Idempotency-Key). Redelivery and projector failover are shortened so it stays well under a minute.
describe("chaos", () => {
  it("300 tasks through a kill -9 of every service and both servers restarted: none lost, doubled or stuck", async () => {
    const r = await runChaos({
      tasks: 300,
      rate: 60,
      concurrency: 16,
      downMs: 300,
      llmLatencyMs: 20,
      serviceEnv: { ACK_WAIT_SECONDS: "5", PROJECTOR_LEASE_SECONDS: "3" },
      requestBudgetMs: 30_000,
      // Generous: the suite runs many files at once on two cores; a passing run settles in a few seconds.
      settleTimeoutMs: 60_000,
      handleSignals: false,
      say: () => undefined,
    });
    const table = renderChaosReport(r);
    // A run that passes but settles slowly says why in the suite's output (a projector read stalled, say).
    if (r.settledMs > SLOW_SETTLE_MS) console.warn(`chaos settled slowly:\n${table}`);
    expect(
      r.faults.map((f) => [f.name, f.backMs !== null]),
      table,
    ).toEqual(r.faults.map((f) => [f.name, true]));
    expect(r.faults.length, table).toBeGreaterThanOrEqual(7);
    // Where Postgres can be run privately, its restart is one of the faults, not silently dropped.
    expect(r.ownsPostgres, table).toBe(postgresBinDir() !== null);
    expect(r.accepted, table).toBe(300);
    expect(r.lost, table).toEqual([]);
    expect(r.doubledCompleted, table).toEqual([]);
    expect(r.doubledSubmits, table).toEqual([]);
    expect(r.orphans, table).toEqual([]);
    expect(r.stuck, table).toEqual([]);
    expect(r.liveVsStream, table).toEqual([]);
    expect(r.rebuild, table).toMatchObject({ ok: true, rows: 300 });
    expect(r.timers.early, table).toBe(0);
    expect(
      r.http.samples.filter((s) => s.status !== 503),
      table,
    ).toEqual([]);
    expect(r.deadAtEnd, table).toEqual([]);
    // 300 tasks are a small sample (one doubled call is 0.3 %), and two loaded cores stretch a timer's delay.
    expect(failures(r, { extraCallsShare: 0.05, timerLateMs: 4 * BOUNDS.timerLateMs }), table).toEqual([]);
  }, 150_000);
});
