import { randomUUID } from "node:crypto";
import { foldEvents, type TaskEvent } from "@taskjet/events";
import { applicationName, createDb, type Db, migrate, readCheckpoint, rowToState } from "@taskjet/read-model";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProjector } from "./projector.ts";
import { rebuildReadModel } from "./rebuild.ts";

let ctx: TestContext;
let projectorDb: Db;
const appName = `faults-projector-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  ctx = await createTestContext("projfaults");
  await migrate(ctx.db, ctx.names, ctx.log);
  projectorDb = createDb(ctx.config, ctx.names, { name: appName, log: ctx.log, max: 2 });
  await installFaultSwitch();
});
afterAll(async () => {
  await projectorDb.destroy();
  await ctx.cleanup();
});

/**
 * A fault switch Postgres keeps outside transactions (a sequence): each armed fault fails one checkpoint
 * write — the last statement of a batch, after its rows — with a deadlock error, which is transient.
 */
async function installFaultSwitch() {
  await sql`create sequence faults_armed minvalue 0 start 0`.execute(ctx.db);
  await sql`
    create function inject_fault() returns trigger language plpgsql as $$
    begin
      if (select last_value from faults_armed) > 0 then
        perform setval('faults_armed', (select last_value from faults_armed) - 1);
        raise exception 'injected fault' using errcode = '40P01';
      end if;
      return null;
    end $$`.execute(ctx.db);
  await sql`create trigger inject_fault before insert or update on checkpoints
            for each statement execute function inject_fault()`.execute(ctx.db);
}

const streamEnd = async () => (await ctx.jsm.streams.info(ctx.names.stream)).state.last_seq;
const caughtUp = async () =>
  waitFor(async () => (await readCheckpoint(ctx.db)).seq === (await streamEnd()), {
    what: "the projector at the end of the stream",
    // Consecutive injected failures back the projector off (0.25 s doubling to 10 s): several in a row add up.
    timeoutMs: 60_000,
  });

function taskHistory(i: number): TaskEvent[] {
  const taskId = randomUUID();
  return [
    ev.submitted({ taskId, prompt: `p${i}` }),
    ev.queued({ taskId }),
    ev.started({ taskId }),
    ev.attemptFailed({ taskId }),
    ev.started({ taskId, attempt: 2 }),
    ev.completed({ taskId, attempt: 2, output: `o${i}` }),
  ];
}

/** Publishes the histories interleaved, as concurrent tasks are, so a batch holds several tasks' events. */
async function publishInterleaved(histories: TaskEvent[][]) {
  const depth = Math.max(...histories.map((h) => h.length));
  for (let step = 0; step < depth; step++) {
    await Promise.all(histories.flatMap((h) => (h[step] ? [ctx.publish(h[step] as TaskEvent)] : [])));
  }
}

async function expectRowsToMatch(histories: TaskEvent[][]) {
  if (histories.length === 0) return;
  const ids = histories.map((h) => (h[0] as TaskEvent).taskId);
  const rows = await ctx.db.selectFrom("tasks").selectAll().where("id", "in", ids).execute();
  expect(rows).toHaveLength(histories.length);
  const byId = new Map(histories.map((h) => [(h[0] as TaskEvent).taskId, h]));
  for (const row of rows) expect(rowToState(row)).toEqual(foldEvents(byId.get(row.id) ?? []));
}

/** The read model's content, in an order and form two schemas can be compared by. */
async function snapshot(schema: string) {
  const tasks = await sql<Record<string, unknown>>`select * from ${sql.id(schema, "tasks")} order by id`.execute(
    ctx.db,
  );
  const quarantine = await sql<Record<string, unknown>>`
    select seq, subject, task_id, type, reason, error from ${sql.id(schema, "quarantine")} order by seq`.execute(
    ctx.db,
  );
  return { tasks: tasks.rows, quarantine: quarantine.rows };
}

describe("projector under faults", () => {
  it("a statement cancelled under load is retried from the checkpoint: no row is left behind", async () => {
    const projector = startProjector({ ...ctx, db: projectorDb, maxBatch: 200 });
    try {
      const histories = Array.from({ length: 2000 }, (_, i) => taskHistory(i));
      const published = publishInterleaved(histories);
      let cancelled = 0;
      await waitFor(
        async () => {
          const r = await sql<{ hit: boolean }>`
            select pg_cancel_backend(pid) as hit from pg_stat_activity
            where application_name = ${applicationName(appName, ctx.names)} and state = 'active'`.execute(ctx.db);
          cancelled += r.rows.filter((x) => x.hit).length;
          return cancelled >= 3;
        },
        { what: "three of the projector's statements cancelled", intervalMs: 2, timeoutMs: 20_000 },
      );
      await published;
      await caughtUp();
      await expectRowsToMatch(histories);
    } finally {
      await projector.stop();
    }
  });

  it("property: whatever failures and restarts interleave with the stream, live = rebuild", async () => {
    type Step =
      | { kind: "publish"; tasks: number }
      | { kind: "fail"; times: number }
      | { kind: "restart" }
      | { kind: "poison" };
    const step = fc.oneof(
      fc.record({ kind: fc.constant("publish" as const), tasks: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant("fail" as const), times: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("restart" as const) }),
      fc.record({ kind: fc.constant("poison" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 3, maxLength: 10 }),
        fc.integer({ min: 1, max: 50 }),
        async (steps: Step[], maxBatch) => {
          let projector = startProjector({ ...ctx, db: projectorDb, maxBatch });
          const histories: TaskEvent[][] = [];
          try {
            for (const s of steps) {
              if (s.kind === "publish") {
                const batch = Array.from({ length: s.tasks }, (_, i) => taskHistory(i));
                histories.push(...batch);
                await publishInterleaved(batch);
              } else if (s.kind === "fail") {
                await sql`select setval('faults_armed', ${s.times})`.execute(ctx.db);
              } else if (s.kind === "restart") {
                await projector.stop();
                projector = startProjector({ ...ctx, db: projectorDb, maxBatch });
              } else {
                const taskId = randomUUID();
                await ctx.publish(ev.submitted({ taskId }));
                const refused = { ...ev.completed({ taskId }), output: "nul\u0000" };
                await ctx.js.publish(ctx.subjects.event(taskId, "TaskCompleted"), JSON.stringify(refused));
              }
            }
            await caughtUp();
          } finally {
            await sql`select setval('faults_armed', 0)`.execute(ctx.db);
            await projector.stop();
          }
          await expectRowsToMatch(histories);
          const live = await snapshot(ctx.names.schema);
          const { retiredSchema } = await rebuildReadModel({
            js: ctx.js,
            live: ctx.db,
            names: ctx.names,
            config: ctx.config,
            log: ctx.log,
            maxBatch: 1000,
            now: () => new Date(),
          });
          expect(await snapshot(ctx.names.schema)).toEqual(live);
          expect(await snapshot(retiredSchema)).toEqual(live);
          await sql`drop schema ${sql.id(retiredSchema)} cascade`.execute(ctx.db);
          await installFaultSwitch(); // into the rebuilt schema, live now, for the next run
        },
      ),
      { numRuns: 5 },
    );
  }, 240_000);
});
