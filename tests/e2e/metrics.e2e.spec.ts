import { randomUUID } from "node:crypto";
import { createTestContext, freePort, spawnedServices, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Every service answers /metrics: the gateway on its own port, the executor, scheduler and projector (which
// have no HTTP API) on METRICS_PORT. Each is spawned as `npm start` runs it, and a task scheduled a moment
// ahead goes through all four, so the figures read below are the ones that task moved.
let ctx: TestContext;
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("metrics");
});
afterAll(async () => {
  await services.killAll();
  await ctx.cleanup();
});

/** A metric's value in Prometheus' text format (the first sample whose name and labels start as given). */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(series));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("/metrics on every service", () => {
  it("serves each service's figures, moved by a task that went through all of them", async () => {
    const ports = { gateway: await freePort(), executor: 0, scheduler: 0, projector: 0 };
    for (const name of ["executor", "scheduler", "projector"] as const) ports[name] = await freePort();
    const env = { ...ctx.env, HOST: "127.0.0.1", LLM_PROVIDER: "fake" };
    const spawned = [
      services.spawn("gateway", { ...env, PORT: String(ports.gateway) }),
      ...(["executor", "scheduler", "projector"] as const).map((name) =>
        services.spawn(name, { ...env, METRICS_PORT: String(ports[name]) }),
      ),
    ];
    await Promise.all(spawned.map((s) => s.ready));
    const metrics = async (name: keyof typeof ports) => {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/metrics`);
      expect(res.status, name).toBe(200);
      return res.text();
    };

    const runAt = new Date(Date.now() + 1500).toISOString();
    const res = await fetch(`http://127.0.0.1:${ports.gateway}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
      body: JSON.stringify({ prompt: "metrics", runAt }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${ports.gateway}/tasks/${id}`);
        return r.status === 200 && ((await r.json()) as { status: string }).status === "completed";
      },
      { what: "the scheduled task completed", timeoutMs: 20_000 },
    );

    const scheduler = await metrics("scheduler");
    expect(sample(scheduler, "taskjet_scheduler_timer_lateness_seconds_count")).toBe(1);
    expect(sample(scheduler, 'taskjet_scheduler_pending{kind="submitted"}')).toBe(0);
    expect(sample(scheduler, 'taskjet_scheduler_held{kind="submitted"}')).toBe(0);

    const projector = await metrics("projector");
    expect(sample(projector, "taskjet_projector_active")).toBe(1);
    await waitFor(async () => sample(await metrics("projector"), "taskjet_projector_lag_events") === 0, {
      what: "the projector caught up",
    });

    const executor = await metrics("executor");
    expect(sample(executor, "taskjet_executor_calls_in_flight")).toBe(0);
    const call = 'provider="fake",model="claude-sonnet-4-6"';
    expect(sample(executor, `taskjet_executor_calls_total{${call},result="completed"}`)).toBe(1);
    expect(sample(executor, `taskjet_executor_time_to_first_token_seconds_count{${call}}`)).toBe(1);
    expect(sample(executor, `taskjet_executor_tokens_total{${call},kind="output"}`)).toBeGreaterThan(0);
    expect(executor).toContain("process_cpu_seconds_total");

    const gateway = await metrics("gateway");
    expect(sample(gateway, "taskjet_tasks_submitted_total")).toBe(1);
    expect(sample(gateway, "taskjet_projector_lag_events")).toBe(0);

    expect((await fetch(`http://127.0.0.1:${ports.scheduler}/other`)).status).toBe(404);
  });
});
