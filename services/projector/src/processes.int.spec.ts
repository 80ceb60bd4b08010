import { randomUUID } from "node:crypto";
import { foldEvents, type TaskEvent } from "@taskjet/events";
import { readCheckpoint, rowToState } from "@taskjet/read-model";
import { createTestContext, ev, spawnedServices, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let ctx: TestContext;
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("projproc");
});
afterEach(() => services.killAll());
afterAll(async () => {
  await ctx.cleanup();
});

function projector(env: Record<string, string> = {}) {
  const p = services.spawn("projector", {
    ...ctx.env,
    PROJECTOR_LEASE_SECONDS: "2",
    ...env,
  });
  return p;
}

const checkpoint = async () => (await readCheckpoint(ctx.db)).seq;

async function publishTasks(n: number) {
  const histories = new Map<string, TaskEvent[]>();
  for (let i = 0; i < n; i++) {
    const taskId = randomUUID();
    histories.set(taskId, [
      ev.submitted({ taskId, prompt: `p${i}` }),
      ev.queued({ taskId }),
      ev.started({ taskId }),
      ev.attemptFailed({ taskId }),
      ev.started({ taskId, attempt: 2 }),
      ev.completed({ taskId, attempt: 2, output: `o${i}` }),
    ]);
  }
  const all = [...histories.values()].flat();
  for (let i = 0; i < all.length; i += 1000) await Promise.all(all.slice(i, i + 1000).map((e) => ctx.publish(e)));
  return histories;
}

/** Every row equals the fold of its task's history: nothing lost, nothing applied twice. */
async function expectRowsToMatch(histories: Map<string, TaskEvent[]>) {
  const rows = await ctx.db
    .selectFrom("tasks")
    .selectAll()
    .where("id", "in", [...histories.keys()])
    .execute();
  expect(rows).toHaveLength(histories.size);
  for (const row of rows) expect(rowToState(row)).toEqual(foldEvents(histories.get(row.id) ?? []));
}

describe("projector processes", () => {
  it("killed mid-batch and restarted, loses and doubles nothing", async () => {
    const histories = await publishTasks(4000);
    const info = await ctx.jsm.streams.info(ctx.names.stream);
    const first = projector({ PROJECTOR_BATCH: "100" });
    await waitFor(async () => (await checkpoint()) > 0, { what: "the first batches written", intervalMs: 5 });
    first.child.kill("SIGKILL");
    await first.exited;
    const at = await checkpoint();
    expect(at).toBeLessThan(info.state.last_seq); // killed with work left
    const second = projector({ PROJECTOR_BATCH: "100" });
    await second.ready;
    await waitFor(async () => (await checkpoint()) === info.state.last_seq, { what: "caught up", timeoutMs: 30_000 });
    await expectRowsToMatch(histories);
  });

  it("a standby takes over within seconds when the active projector dies", async () => {
    const active = projector();
    await active.ready;
    const standby = projector();
    await waitFor(() => standby.lines.some((l) => l.includes("standby")), { what: "the standby waiting" });
    active.child.kill("SIGKILL");
    await active.exited;
    const killedAt = Date.now();
    await standby.ready;
    const tookOver = (Date.now() - killedAt) / 1000;
    console.info(`standby took over ${tookOver.toFixed(1)} s after the active projector was killed`);
    expect(tookOver).toBeLessThan(10);
    const histories = await publishTasks(10);
    const info = await ctx.jsm.streams.info(ctx.names.stream);
    await waitFor(async () => (await checkpoint()) === info.state.last_seq, { what: "the standby projecting" });
    await expectRowsToMatch(histories);
  });
});
