import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { namesFor } from "@taskjet/events";
import { connectNats, createLogger } from "@taskjet/runtime";
import {
  freePort,
  natsServerBinary,
  startFakeLlm,
  startPrivateNats,
  startPrivatePostgres,
  waitFor,
} from "@taskjet/testkit";
import pg from "pg";
import { cleanupStack } from "../shared/cleanup.ts";
import { readWholeStream } from "../shared/stream.ts";
import { chaosClient, httpStats } from "./client.ts";
import { type FaultRecord, faultPlan, faultRunner } from "./faults.ts";
import { superviseServices, type UnplannedExit } from "./services.ts";
import { checkProviderCalls, checkReadModel, checkStream, stableJson } from "./verify.ts";
import { indexInPrompt, submitTasks } from "./workload.ts";

const root = join(import.meta.dirname, "../../..");

export type ChaosOptions = {
  tasks: number;
  /** Submits started per second. */
  rate: number;
  concurrency: number;
  /** How long a killed service or a stopped server stays down. */
  downMs: number;
  /** How long the fake provider takes per call. */
  llmLatencyMs: number;
  /** Settings for the services beyond the run's own (e.g. a shorter ACK_WAIT_SECONDS); printed in the table. */
  serviceEnv: Record<string, string>;
  /** How long a submit is retried with its key before the run gives up on it. */
  requestBudgetMs: number;
  /** How long, after the last fault, every accepted task has to be terminal in the read model. */
  settleTimeoutMs: number;
  handleSignals: boolean;
  say: (line: string) => void;
};

export type ChaosReport = Awaited<ReturnType<typeof runChaos>>;

/**
 * The chaos run: its own nats-server and (when it can) its own Postgres, the real services on a fake
 * provider, `tasks` submits under a `kill -9` of every service and a restart of every server, then the
 * findings: what the stream lost or doubled, what the read model got wrong, what the provider was asked twice.
 */
/** A read model that takes longer than this to settle after the last submit is worth the projectors' lines. */
export const SLOW_SETTLE_MS = 15_000;

export async function runChaos(o: ChaosOptions) {
  const cleanup = cleanupStack({ handleSignals: o.handleSignals });
  const started = Date.now();
  const runId = `chaos${randomBytes(4).toString("hex")}`;
  try {
    const bin = natsServerBinary();
    if (!bin) throw new Error("no nats-server on PATH (set NATS_SERVER_BIN)");
    const nats = await startPrivateNats(bin);
    cleanup.defer("nats-server", () => nats.close());
    const privatePg = await startPrivatePostgres();
    let databaseUrl: string;
    if (privatePg) {
      cleanup.defer("postgres", () => privatePg.close());
      databaseUrl = privatePg.url("taskjet_chaos");
      o.say(`own Postgres on port ${privatePg.port}, own nats-server at ${nats.url}`);
    } else {
      const shared = process.env.CHAOS_SHARED_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
      databaseUrl = shared.replace(/\/[^/]*$/, `/taskjet_${runId}`);
      cleanup.defer("database", () => dropDatabase(databaseUrl));
      o.say(`cannot run a Postgres of its own: a fresh database on the shared server, which is NOT restarted`);
    }
    const callLog: { prompt: string; at: number }[] = [];
    const fake = await startFakeLlm((req) => {
      callLog.push({ prompt: req.prompt, at: Date.now() });
      return {
        kind: "message",
        text: `ok ${indexInPrompt(req.prompt) ?? "?"}`,
        pieces: 2,
        pieceDelayMs: Math.max(1, Math.round(o.llmLatencyMs / 2)),
      };
    });
    cleanup.defer("fake LLM", () => fake.close());

    const names = namesFor(runId);
    const port = await freePort();
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      TASKJET_NAMESPACE: runId,
      NATS_URL: nats.url,
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      LLM_PROVIDER: "anthropic",
      ANTHROPIC_API_KEY: "sk-chaos",
      ANTHROPIC_BASE_URL: fake.url,
      LOG_LEVEL: "info",
      ...o.serviceEnv,
    };
    const services = superviseServices(env);
    cleanup.defer("services", () => services.stopAll());
    services.startAll();
    await waitFor(
      async () =>
        services.activeProjector() !== null && (await fetch(`${gatewayUrl}/ready`).catch(() => null))?.status === 200,
      { timeoutMs: 60_000, intervalMs: 100, what: "the services to start" },
    );
    o.say(`services up in ${Date.now() - started} ms; ${o.tasks} tasks at ${o.rate}/s`);

    const stats = httpStats();
    const client = chaosClient(gatewayUrl, stats);
    let progress = 0;
    const faults = faultRunner({
      plan: faultPlan(privatePg !== null),
      n: o.tasks,
      downMs: o.downMs,
      services,
      gatewayUrl,
      restartNats: (ms) => nats.restart(ms),
      restartPostgres: privatePg ? (ms) => privatePg.restart(ms) : null,
      progress: () => progress,
    });
    const faultsDone = faults.run();
    const submitted = await submitTasks({
      n: o.tasks,
      rate: o.rate,
      concurrency: o.concurrency,
      client,
      runId,
      requestBudgetMs: o.requestBudgetMs,
      gate: async (i) => {
        await faults.gate(i);
        progress = Math.max(progress, i + 1);
      },
      onAccepted: (_s, at) => faults.submitAccepted(at),
    });
    await faultsDone;
    const submittedAt = Date.now();
    o.say(`submitted in ${submittedAt - started} ms; settling`);

    // Every accepted task terminal in the read model, and the projector caught up with the stream.
    const accepted = submitted.filter((s) => s.id !== null);
    const verifyLog = createLogger("chaos-verify", { LOG_LEVEL: "silent" });
    const { nc, jsm } = await connectNats({ NATS_URL: nats.url }, verifyLog, "chaos-verify");
    cleanup.defer("verify connection", () => nc.close());
    const db = new pg.Client({ connectionString: databaseUrl });
    db.on("error", () => undefined); // a failed query says so; the client's own error event is not a crash
    await db.connect();
    cleanup.defer("verify client", () => db.end());
    const terminalRows = async () => {
      const r = await db.query<{ n: string }>(
        `select count(*) as n from "${names.schema}".tasks
         where id = any($1::uuid[]) and status in ('completed','failed','cancelled')`,
        [accepted.map((s) => s.id)],
      );
      return Number(r.rows[0]?.n ?? 0);
    };
    const settled = await waitFor(async () => (await terminalRows()) >= accepted.length, {
      timeoutMs: o.settleTimeoutMs,
      intervalMs: 250,
      what: "every accepted task terminal in the read model",
    }).then(
      () => true,
      () => false,
    );
    const caughtUp = async () => {
      const last = (await jsm.streams.info(names.stream)).state.last_seq;
      const cp = await db.query<{ seq: string }>(
        `select seq from "${names.schema}".checkpoints where name = 'projector'`,
      );
      return Number(cp.rows[0]?.seq ?? -1) >= last ? last : false;
    };
    await waitFor(caughtUp, { timeoutMs: 30_000, intervalMs: 250, what: "the projector's checkpoint" }).catch(
      () => undefined,
    );
    const settledMs = Date.now() - submittedAt;

    // A consistent picture: the rows and the stream read while nothing moved in between (bounded retries).
    let picture = await snapshot(db, jsm, names, caughtUp);
    for (let i = 0; i < 3 && !picture.consistent; i++) picture = await snapshot(db, jsm, names, caughtUp);
    const stream = checkStream(submitted, picture.events, runId);
    const readModel = checkReadModel(submitted, picture.rows, stream.folded);
    const calls = checkProviderCalls(submitted, callLog, stream.history, faults.records);
    o.say("rebuilding the read model into a fresh schema to compare");
    const rebuild = await compareWithRebuild(env, databaseUrl, names.schema);

    return {
      runId,
      ownsPostgres: privatePg !== null,
      options: { tasks: o.tasks, rate: o.rate, downMs: o.downMs, serviceEnv: o.serviceEnv },
      submitted: submitted.length,
      accepted: accepted.length,
      refused: submitted
        .filter((s) => s.refused)
        .map((s) => `#${s.i} ${s.refused?.status} ${stableJson(s.refused?.body)}`),
      gaveUp: submitted.filter((s) => s.id === null && !s.refused).length,
      lost: stream.lost,
      doubledCompleted: stream.doubledCompleted,
      doubledSubmits: stream.doubledSubmits,
      orphans: stream.orphans,
      undecodable: picture.undecodable,
      statuses: Object.fromEntries(stream.statuses),
      settled,
      settledMs,
      consistentPicture: picture.consistent,
      stuck: readModel.stuck,
      liveVsStream: readModel.unequal,
      rebuild,
      calls,
      timers: stream.timers,
      http: { ...stats, byStatus: Object.fromEntries(stats.byStatus) },
      faults: faults.records satisfies FaultRecord[],
      unplannedExits: services.unplanned satisfies UnplannedExit[],
      // When the read model did not settle, what the projectors last said is where to look first.
      projectorTail:
        settled && settledMs < SLOW_SETTLE_MS
          ? []
          : (["projector-a", "projector-b"] as const).flatMap((role) =>
              (services.process(role)?.lines ?? []).slice(-12).map((l) => `${role}: ${l.slice(0, 300)}`),
            ),
      deadAtEnd: services.deadAtEnd(),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await cleanup.run();
  }
}

async function snapshot(
  db: pg.Client,
  jsm: Parameters<typeof readWholeStream>[0],
  names: ReturnType<typeof namesFor>,
  caughtUp: () => Promise<number | false>,
) {
  const before = await caughtUp().catch(() => false);
  const rowList = (await db.query(`select * from "${names.schema}".tasks`)).rows.map(camelCased);
  const { events, undecodable } = await readWholeStream(jsm, names);
  const after = await caughtUp().catch(() => false);
  const rows = new Map(rowList.map((r) => [String(r.id), r]));
  return { rows, events, undecodable, consistent: before !== false && before === after };
}

/** `npm run rebuild` as an operator runs it; then the retired (live) rows against the rebuilt ones. */
async function compareWithRebuild(env: Record<string, string>, databaseUrl: string, schema: string) {
  const exit = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [join(root, "services/projector/src/rebuild-main.ts")], {
      env: { ...process.env, ...env, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    for (const s of [child.stdout, child.stderr]) s.on("data", (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const retired = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like $1 order by nspname desc limit 1",
      [`${schema}_old_%`],
    );
    const old = retired.rows[0]?.nspname;
    if (exit.code !== 0 || !old) {
      return {
        ok: false,
        error: `rebuild exited with ${exit.code}: ${exit.out.slice(-400)}`,
        differing: [] as string[],
      };
    }
    const read = async (s: string) => {
      const r = await client.query(`select * from "${s}".tasks`);
      return new Map(r.rows.map((row: Record<string, unknown>) => [String(row.id), stableJson(row)]));
    };
    const [live, rebuilt] = [await read(old), await read(schema)];
    const differing: string[] = [];
    for (const [id, row] of live) {
      const other = rebuilt.get(id);
      if (other === undefined) differing.push(`${id}: missing from the rebuild`);
      else if (other !== row) differing.push(`${id}: rows differ`);
    }
    for (const id of rebuilt.keys()) if (!live.has(id)) differing.push(`${id}: only in the rebuild`);
    return { ok: differing.length === 0, error: null, differing, rows: live.size };
  } finally {
    await client.end();
  }
}

/** A row as pg returns it (snake_case), its columns named as the task state's fields. */
const camelCased = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  ) as Record<string, unknown> & { id: string; status: string };

async function dropDatabase(url: string) {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, "/postgres") });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
