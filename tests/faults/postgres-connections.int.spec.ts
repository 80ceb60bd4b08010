import { randomBytes, randomUUID } from "node:crypto";
import { applicationName } from "@taskjet/read-model";
import { ensureDatabase } from "@taskjet/runtime";
import { createTestContext, ev, freePort, spawnedServices, type TestContext, waitFor } from "@taskjet/testkit";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// Postgres dropping a service's connections (pg_terminate_backend, as a restart or a failover does) is
// weather: the processes log it, reconnect on their next query and go on serving. Only this file's own
// connections are terminated (application_name carries the namespace): the shared server is never restarted.
let ctx: TestContext;
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("pgdrop");
});
afterEach(() => services.killAll());
afterAll(() => ctx.cleanup());

/** Terminates every connection `name` holds in this namespace; returns how many there were. */
async function terminate(name: string): Promise<number> {
  const { rows } = await sql<{ pid: number }>`
    select pg_terminate_backend(pid) as pid from pg_stat_activity
    where application_name = ${applicationName(name, ctx.names)}`.execute(ctx.db);
  return rows.length;
}

describe("services × Postgres dropping their connections", () => {
  it("gateway and projector stay up, answer again and project new tasks", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const gateway = services.spawn("gateway", { ...ctx.env, HOST: "127.0.0.1", PORT: String(port) });
    const projector = services.spawn("projector", { ...ctx.env, PROJECTOR_LEASE_SECONDS: "2" });
    await Promise.all([gateway.ready, projector.ready]);

    const projected = (taskId: string) =>
      waitFor(() => ctx.db.selectFrom("tasks").select("id").where("id", "=", taskId).executeTakeFirst(), {
        what: `task ${taskId} projected`,
      });
    const before = randomUUID();
    await ctx.publish(ev.submitted({ taskId: before }));
    await projected(before);
    expect((await fetch(`${base}/tasks/${before}`)).status).toBe(200); // the gateway's pool has connections too

    // Both pools hold idle connections now; drop them all, twice (a retry must not find a dead one either).
    for (let round = 0; round < 2; round++) {
      expect(await terminate("taskjet-gateway")).toBeGreaterThan(0);
      expect(await terminate("taskjet-projector")).toBeGreaterThan(0);
      await waitFor(async () => (await fetch(`${base}/tasks/${before}`)).status === 200, { what: "a GET again" });
      const after = randomUUID();
      await ctx.publish(ev.submitted({ taskId: after }));
      await projected(after);
    }

    expect(gateway.child.exitCode).toBeNull();
    expect(projector.child.exitCode).toBeNull();
    const logged = [...gateway.lines, ...projector.lines].join("\n");
    expect(logged).not.toMatch(/Unhandled 'error' event/);
    expect(logged).toMatch(/Postgres connection lost/);
  });
});

describe("a fresh machine", () => {
  it("services creating the database at once all start (42P04 or 23505 from the loser)", async () => {
    const url = new URL(ctx.config.DATABASE_URL);
    const database = `taskjet_race_${randomBytes(4).toString("hex")}`;
    url.pathname = `/${database}`;
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => ensureDatabase({ DATABASE_URL: url.toString() })),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    } finally {
      await sql`drop database if exists ${sql.id(database)}`.execute(ctx.db);
    }
  });
});
