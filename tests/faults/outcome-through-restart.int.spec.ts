import { randomUUID } from "node:crypto";
import {
  createTestContext,
  ev,
  natsServerBinary,
  spawnedServices,
  startFakeLlm,
  startPrivateNats,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = natsServerBinary();
const PIECES = 5;

describe.skipIf(bin === null)("an executor whose call ends while NATS is down", () => {
  let nats: Awaited<ReturnType<typeof startPrivateNats>>;
  let ctx: TestContext;
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  const services = spawnedServices();

  beforeAll(async () => {
    nats = await startPrivateNats(bin as string);
    ctx = await createTestContext("outcome", { NATS_URL: nats.url });
    fake = await startFakeLlm(() => ({
      kind: "message",
      text: "one two three four five",
      pieces: PIECES,
      pieceDelayMs: 150,
    }));
  });
  afterAll(async () => {
    await services.killAll();
    await fake?.close();
    await ctx?.cleanup();
    await nats?.close();
  });

  it("publishes the outcome once the server is back, and the provider is not called again", async () => {
    const executor = services.spawn("executor", {
      ...ctx.env,
      LLM_PROVIDER: "anthropic",
      ANTHROPIC_API_KEY: "sk-test",
      ANTHROPIC_BASE_URL: fake.url,
      ACK_WAIT_SECONDS: "5",
    });
    await executor.ready;
    const taskId = randomUUID();
    const prompt = `prompt ${taskId}`;
    await ctx.publish(ev.submitted({ taskId, prompt }));
    await ctx.publish(ev.queued({ taskId, input: { ...ev.queued().input, prompt } }));
    const seen = () => fake.requests.filter((r) => r.prompt === prompt);
    await waitFor(() => seen().length === 1, { what: "the call under way" });

    await nats.stop();
    await waitFor(() => seen()[0]?.piecesSent === PIECES, { what: "the reply finished while NATS is down" });
    // Down for longer than a publish waits for its answer: the executor has seen its outcome's publish fail.
    await waitFor(() => executor.lines.some((l) => /outcome not published yet|handler failed/.test(l)), {
      what: "a publish of the outcome failed",
      timeoutMs: 20_000,
    });
    await nats.start();

    const history = await waitFor(
      async () => {
        const h = await ctx.history(taskId).catch(() => []);
        return h.some((e) => e.type === "TaskCompleted") ? h : undefined;
      },
      { what: "the outcome published", timeoutMs: 20_000 },
    );
    expect(history.filter((e) => e.type === "TaskCompleted")).toHaveLength(1);
    expect(seen()).toHaveLength(1);
    expect(executor.child.exitCode).toBeNull();
  });
});
