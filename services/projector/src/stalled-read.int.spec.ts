import { randomUUID } from "node:crypto";
import type { ConsumerMessages, JetStreamClient } from "@nats-io/jetstream";
import { migrate } from "@taskjet/read-model";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProjector } from "./projector.ts";

/**
 * A stream read that delivers nothing, however often it is made again (seen once after a NATS restart): the
 * projector must get past it with direct gets rather than leave the read model behind for ever.
 */
let ctx: TestContext;
let projector: ReturnType<typeof startProjector>;
let consumersMade = 0;

/** Consumer reads that open fine and then never deliver a message; every direct get still answers. */
function silentReads(js: JetStreamClient): JetStreamClient {
  const never = new Promise<never>(() => undefined);
  const silent = {
    close: async () => undefined,
    status: () => ({ [Symbol.asyncIterator]: () => ({ next: () => never }) }),
    [Symbol.asyncIterator]: () => ({ next: () => never, return: async () => ({ done: true, value: undefined }) }),
  } as unknown as ConsumerMessages;
  const consumers = {
    get: async () => {
      consumersMade++;
      return { consume: async () => silent };
    },
  };
  return new Proxy(js, { get: (target, prop) => (prop === "consumers" ? consumers : Reflect.get(target, prop)) });
}

beforeAll(async () => {
  ctx = await createTestContext("stalled");
  await migrate(ctx.db, ctx.names, ctx.log);
  projector = startProjector({ ...ctx, js: silentReads(ctx.js), maxBatch: 3, stallMs: 300 });
});
afterAll(async () => {
  await projector.stop();
  await ctx.cleanup();
});

describe("a projector whose stream reads deliver nothing", () => {
  it("reads past the stalled position with direct gets and keeps the read model whole", async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID());
    for (const taskId of ids) {
      await ctx.publish(ev.submitted({ taskId }));
      await ctx.publish(ev.queued({ taskId }));
    }
    const rows = await waitFor(
      async () => {
        const found = await ctx.db.selectFrom("tasks").select(["id", "status"]).where("id", "in", ids).execute();
        return found.length === ids.length && found.every((r) => r.status === "queued") ? found : undefined;
      },
      { what: "every task in the read model", timeoutMs: 20_000 },
    );
    expect(rows).toHaveLength(4);
    // It did try the stream read first, and again after the first stall.
    expect(consumersMade).toBeGreaterThanOrEqual(2);
  });
});
