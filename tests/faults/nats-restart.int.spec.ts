import {
  createTestContext,
  freePort,
  natsServerBinary,
  spawnedServices,
  startPrivateNats,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// A NATS restart is weather: every service rides it out, the standby projector included, /ready says 503
// while the server is away, and work submitted afterwards goes through. Restarting a server needs one of
// this file's own: the shared one serves every other test file.
const bin = natsServerBinary();

describe.skipIf(bin === null)("services × a NATS server restart", () => {
  let nats: Awaited<ReturnType<typeof startPrivateNats>>;
  let ctx: TestContext;
  const services = spawnedServices();

  beforeAll(async () => {
    nats = await startPrivateNats(bin as string);
    ctx = await createTestContext("natsrestart", { NATS_URL: nats.url });
  });
  afterEach(() => services.killAll());
  afterAll(async () => {
    // The server and its store are thrown away next: a cleanup the restarted server answers slowly costs nothing.
    await ctx?.cleanup().catch(() => undefined);
    await nats?.close();
  });

  it("every service stays up and serves again; /ready is 503 meanwhile", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...ctx.env, LLM_PROVIDER: "fake", PROJECTOR_LEASE_SECONDS: "5" };
    const gateway = services.spawn("gateway", { ...env, HOST: "127.0.0.1", PORT: String(port) });
    const scheduler = services.spawn("scheduler", env);
    const executor = services.spawn("executor", env);
    const active = services.spawn("projector", env);
    await Promise.all([gateway.ready, scheduler.ready, executor.ready, active.ready]);
    const standby = services.spawn("projector", env);
    await waitFor(() => standby.lines.some((l) => l.includes("standby")), { what: "the standby waiting" });
    /** /ready's status, failing the test if it does not answer within 3 s. */
    const ready = async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(3000) })).status;
    expect(await ready()).toBe(200);

    await nats.stop();
    const stoppedAt = Date.now();
    await waitFor(async () => (await ready()) === 503, { what: "/ready 503 while NATS is down" });
    // Down until the standby has seen a lease read fail: the case that used to end it ("cannot start: timeout").
    await waitFor(() => standby.lines.some((l) => l.includes("cannot read the lease")), {
      what: "a failed lease read on the standby",
      timeoutMs: 15_000,
    });
    await nats.start();
    const restartedAt = Date.now();
    const downMs = restartedAt - stoppedAt;
    await waitFor(async () => (await ready()) === 200, { what: "/ready 200 after the restart", intervalMs: 100 });
    const readyAfter = Date.now() - restartedAt;

    const res = await fetch(`${base}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "after the restart" }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const completed = await waitFor(
      async () => {
        const r = await fetch(`${base}/tasks/${id}`);
        const task = (await r.json()) as { status: string };
        return task.status === "completed" && task;
      },
      { what: "the task completed and projected", timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(completed.status).toBe("completed");
    console.info(
      `NATS down ${(downMs / 1000).toFixed(1)} s; after its restart: /ready 200 in ${(readyAfter / 1000).toFixed(1)} s, ` +
        `a new task completed and projected ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after it`,
    );

    for (const p of [gateway, scheduler, executor, active, standby]) expect(p.child.exitCode).toBeNull();
    // One writer again: the two projectors hold the lease between them, the other standing by. A lease that
    // lapsed during the outage passes to whichever polls first, so this settles within a lease period.
    const running = (p: typeof active) => p.lines.filter((l) => l.includes('projector running"')).length;
    const lost = (p: typeof active) => p.lines.filter((l) => l.includes("lost the projector lease")).length;
    const writers = () => running(active) + running(standby) - lost(active) - lost(standby);
    await waitFor(() => writers() === 1, { what: "exactly one projector writing", timeoutMs: 15_000 });
    expect(writers()).toBe(1);
  });
});
