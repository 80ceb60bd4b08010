import { randomUUID } from "node:crypto";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";
import { connectWs, type Received } from "./ws-client.ts";

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  ctx = await createTestContext("wsresume");
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

/** A tenant of the test's own (auth is off: X-Tenant-Id says whose tasks), so `all` sees only its tasks. */
const newTenant = () => ({ "x-tenant-id": `resume-${randomUUID().slice(0, 8)}` });
/** Far enough ahead that the tasks stay `scheduled`, changing no more unless the test changes them. */
const LATER = { delaySeconds: 3600 };

/** The tenant's tasks as the read model holds them: what a snapshot is read from. */
const projected = (tenant: Record<string, string>) =>
  ctx.db
    .selectFrom("tasks")
    .select(["id", "status", "updatedAt"])
    .where("tenant", "=", tenant["x-tenant-id"] ?? "")
    .orderBy("updatedAt", "asc")
    .execute();

async function projectedAs(tenant: Record<string, string>, want: Record<string, string>) {
  await waitFor(
    async () => {
      const rows = new Map((await projected(tenant)).map((r) => [r.id, r.status]));
      return Object.entries(want).every(([id, status]) => rows.get(id) === status);
    },
    { what: `the read model to hold ${JSON.stringify(want)}` },
  );
}

/**
 * Subscribes to all of the tenant's tasks and returns the snapshot: the tasks sent between `subscribed` and the
 * answer to a message sent after the subscribe (messages are handled in order, so it comes once the snapshot
 * has been sent).
 */
async function snapshot(ws: Awaited<ReturnType<typeof connectWs>>, since?: string) {
  const from = ws.messages.length;
  ws.send({ type: "subscribe", all: true, ...(since ? { since } : {}) });
  ws.send({ type: "snapshot-end-marker" });
  await waitFor(() => ws.messages.slice(from).some((m) => m.type === "error"), { what: "the snapshot to end" });
  const after = ws.messages.slice(from);
  const start = after.findIndex((m) => m.type === "subscribed");
  const end = after.findIndex((m) => m.type === "error");
  expect(start).toBeGreaterThanOrEqual(0);
  return after.slice(start + 1, end).flatMap((m: Received) => (m.type === "task" && m.task ? [m.task] : []));
}

describe("WebSocket subscribe {all: true, since}", () => {
  it("brings back what changed while the client was away, and not what did not", async () => {
    const tenant = newTenant();
    const post = async (body: unknown) => (await postJson(`${system.baseUrl}/tasks`, body, tenant)).body;
    const untouched = await post({ prompt: "stays scheduled", ...LATER });
    const cancelled = await post({ prompt: "cancelled while away", ...LATER });
    await projectedAs(tenant, { [untouched.id]: "scheduled", [cancelled.id]: "scheduled" });

    const before = await connectWs(system.baseUrl, "/ws", tenant);
    const first = await snapshot(before);
    expect(first.map((t) => t.id).sort()).toEqual([untouched.id, cancelled.id].sort());
    // Where a client resumes from: the latest change it saw.
    const since =
      first
        .map((t) => t.updatedAt)
        .sort()
        .at(-1) ?? "";
    before.close();
    await before.closed;

    await postJson(`${system.baseUrl}/tasks/${cancelled.id}/cancel`, { reason: "away" }, tenant);
    const made = await post({ prompt: "made and finished while away" });
    await projectedAs(tenant, { [cancelled.id]: "cancelled", [made.id]: "completed" });

    const after = await connectWs(system.baseUrl, "/ws", tenant);
    const resumed = await snapshot(after, since);
    const last = new Map(resumed.map((t) => [t.id, t.status]));
    expect(last.get(cancelled.id)).toBe("cancelled");
    expect(last.get(made.id)).toBe("completed");
    expect(last.has(untouched.id)).toBe(false); // unchanged since: the client has it already
    after.close();
  });

  it("sends at most 500 tasks, the oldest changes first; the rest are not in the snapshot", async () => {
    const tenant = newTenant();
    const start = new Date(Date.now() - 1000).toISOString();
    const tasks = Array.from({ length: 520 }, (_, i) => ({ prompt: `capped ${i}`, ...LATER }));
    const batch = await postJson(`${system.baseUrl}/tasks/batch`, { tasks }, tenant);
    expect(batch.status).toBe(202);
    await waitFor(async () => (await projected(tenant)).filter((r) => r.status === "scheduled").length === 520, {
      what: "520 scheduled tasks in the read model",
      timeoutMs: 30_000,
    });
    const rows = await projected(tenant);

    const ws = await connectWs(system.baseUrl, "/ws", tenant);
    const sent = await snapshot(ws, start);
    expect(sent).toHaveLength(500);
    expect(new Set(sent.map((t) => t.id)).size).toBe(500);
    const times = sent.map((t) => Date.parse(t.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b)); // oldest change first
    // The 20 left out are the latest changes: none changed before the last one sent.
    const ids = new Set(sent.map((t) => t.id));
    const left = rows.filter((r) => !ids.has(r.id));
    expect(left).toHaveLength(20);
    const lastSent = times.at(-1) ?? 0;
    for (const r of left) expect(r.updatedAt.getTime()).toBeGreaterThanOrEqual(lastSent);
    ws.close();
  });
});
