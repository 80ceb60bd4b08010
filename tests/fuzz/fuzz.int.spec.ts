import { fuzzFailures, renderFuzzReport, runFuzz } from "@taskjet/tools/fuzz";
import { describe, expect, it } from "vitest";

// The fuzz run in small: 500 generated hostile requests over every route and 10 WebSocket sessions of hostile
// frames against the real services (own nats-server, own schema). A fresh seed each run (FUZZ_SEED pins one);
// the table in a failure names it and the requests that broke something.
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

describe("fuzz", () => {
  it(`500 hostile requests and 10 WebSocket sessions: no 5xx, no hang, nothing dead or poisoned (seed ${seed})`, async () => {
    const r = await runFuzz({
      requests: 500,
      wsSessions: 10,
      seed,
      concurrency: 8,
      timeoutMs: 10_000,
      stalls: false,
      handleSignals: false,
      say: () => undefined,
    });
    const table = renderFuzzReport(r);
    expect(
      Object.values(r.byStatus).reduce((a, b) => a + b, 0),
      table,
    ).toBe(500);
    expect(r.fiveXxFindings, table).toEqual([]);
    expect(r.hangFindings, table).toEqual([]);
    expect(r.ws.findings, table).toEqual([]);
    expect(r.dead, table).toEqual([]);
    expect(r.healthyAfter, table).toBe(true);
    expect(fuzzFailures(r), table).toEqual([]);
  }, 120_000);
});
