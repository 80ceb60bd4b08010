import { randomBytes } from "node:crypto";
import { freePort, natsServerBinary, spawnedServices, startPrivateNats, waitFor } from "@taskjet/testkit";
import fc from "fast-check";
import pg from "pg";
import { cleanupStack } from "../shared/cleanup.ts";
import { type RawRequest, requestArb } from "./requests.ts";
import { type Outcome, sendRaw } from "./send.ts";
import { cleanClose, runWsSession, type WsOutcome, wsSessionArb } from "./ws.ts";

export type FuzzOptions = {
  /** HTTP requests to send (WebSocket frames come on top). */
  requests: number;
  /** WebSocket sessions, each a burst of 3–15 frames and a probe. */
  wsSessions: number;
  seed: number;
  concurrency: number;
  /** No answer within this long is a hang. */
  timeoutMs: number;
  /** Whether to send bodies that stop half-way (the server must answer or close within the timeout). */
  stalls: boolean;
  handleSignals: boolean;
  say: (line: string) => void;
};

export type Finding = { label: string; request: string; outcome: string };
export type FuzzReport = Awaited<ReturnType<typeof runFuzz>>;

const MAX_FINDINGS = 12;
const BATCH = 100;

/** How a request is shown in the report: enough to replay it with curl. */
export function describeRequest(r: RawRequest): string {
  const body = r.body ? r.body.toString("utf8") : "";
  const shown = body.length > 240 ? `${body.slice(0, 240)}… (${r.body?.length} B)` : body;
  const headers = r.headers.map(([k, v]) => `${k}: ${JSON.stringify(v).slice(1, -1).slice(0, 80)}`).join(" | ");
  const path = r.path.length > 300 ? `${r.path.slice(0, 300)}… (${r.path.length} chars)` : r.path;
  const how = r.stall ? " [body stalled half-way]" : r.trickle ? ` [trickled in ${r.trickle.pieces}]` : "";
  return `${r.method} ${path}${headers ? ` [${headers}]` : ""}${shown ? ` ${JSON.stringify(shown)}` : ""}${how}`;
}

/**
 * The fuzz run: its own nats-server and a fresh namespace (schema) in Postgres, the four services on the fake
 * provider, then `requests` generated hostile HTTP requests over every route and `wsSessions` WebSocket
 * sessions of hostile frames. Counts answers by status; a 5xx, a hang, an unclean WebSocket close or a
 * service that died is a finding, kept with the request that caused it.
 */
export async function runFuzz(o: FuzzOptions) {
  const cleanup = cleanupStack({ handleSignals: o.handleSignals });
  const started = Date.now();
  try {
    const bin = natsServerBinary();
    if (!bin) throw new Error("no nats-server on PATH (set NATS_SERVER_BIN)");
    const nats = await startPrivateNats(bin);
    cleanup.defer("nats-server", () => nats.close());
    const namespace = `fuzz${randomBytes(4).toString("hex")}`;
    const databaseUrl = (process.env.FUZZ_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/taskjet_fuzz").trim();
    cleanup.defer("schema", () => dropSchema(databaseUrl, namespace));
    const port = await freePort();
    const env = {
      TASKJET_NAMESPACE: namespace,
      NATS_URL: nats.url,
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      LLM_PROVIDER: "fake",
      FAKE_LLM_LATENCY_MS: "5",
      LOG_LEVEL: "info",
      // Below the 10 s a request may take before it counts as a hang: a stalled body must be cut off by then.
      HTTP_REQUEST_TIMEOUT_SECONDS: "5",
    };
    const services = spawnedServices();
    cleanup.defer("services", () => services.killAll());
    const procs = Object.fromEntries(
      (["projector", "scheduler", "executor", "gateway"] as const).map((name) => [name, services.spawn(name, env)]),
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/ready`).catch(() => null))?.status === 200, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: "the gateway to be ready",
    });

    // Real tasks to aim at: done, cancelled, waiting, and a chain.
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return ((await res.json()) as { id: string }).id;
    };
    const done = await post("/tasks", { prompt: "fuzz target" });
    const waiting = await post("/tasks", { prompt: "fuzz waiting", delaySeconds: 3600 });
    const cancelled = await post("/tasks", { prompt: "fuzz cancelled", delaySeconds: 3600 });
    await post(`/tasks/${cancelled}/cancel`, {});
    const child = await post(`/tasks/${done}/chain`, { prompt: "fuzz child {{parent.output}}" });
    const known = [done, waiting, cancelled, child];
    await waitFor(
      async () => ((await (await fetch(`${base}/tasks/${done}`)).json()) as { status: string }).status === "completed",
      { timeoutMs: 30_000, what: "the target task to complete" },
    );
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { paths?: Record<string, unknown> };
    const covered = /^\/(tasks|submit|status|cancel|health|ready|metrics|docs|openapi\.json|ws)\b/;
    const extraPaths = Object.keys(openapi.paths ?? {}).filter((p) => !covered.test(p));
    o.say(`system up; ${o.requests} requests, ${o.wsSessions} WebSocket sessions, seed ${o.seed}`);

    // HTTP: generated in batches (bounded memory), sent `concurrency` at a time.
    const byStatus = new Map<string, number>();
    const byRoute = new Map<string, Map<string, number>>();
    const fiveXx: Finding[] = [];
    const hangs: Finding[] = [];
    let fiveXxCount = 0;
    let hangCount = 0;
    const stalls: Finding[] = [];
    let stallCount = 0;
    const arb = requestArb(known, extraPaths);
    const outcomeKey = (x: Outcome, r: RawRequest) =>
      x.kind === "answered"
        ? String(x.status)
        : x.kind === "hang"
          ? r.stall
            ? "stalled body held open"
            : "hang"
          : `closed${x.error ? ` (${x.error})` : ""}`;
    // Generated in batches (bounded memory) from one seed, and sent `concurrency` at a time: a lane that waits
    // on a slow request does not hold the others back.
    // One request in a thousand (with a body) stops sending it half-way: the server must answer or close.
    function* generated() {
      let i = 0;
      for (let b = 0; b * BATCH < o.requests; b++) {
        for (const r of fc.sample(arb, { numRuns: Math.min(BATCH, o.requests - b * BATCH), seed: o.seed + b })) {
          const stall = o.stalls && i++ % 1000 === 500 && r.body !== null && r.body.length > 1;
          yield stall ? { ...r, stall, trickle: null } : r;
        }
      }
    }
    const queue = generated();
    let sent = 0;
    const lane = async () => {
      for (let next = queue.next(); !next.done; next = queue.next()) {
        const r: RawRequest = next.value;
        const x = await sendRaw(port, r, o.timeoutMs);
        const key = outcomeKey(x, r);
        byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
        const route = byRoute.get(r.label) ?? new Map<string, number>();
        route.set(key, (route.get(key) ?? 0) + 1);
        byRoute.set(r.label, route);
        if (x.kind === "answered" && x.status >= 500) {
          fiveXxCount++;
          if (fiveXx.length < MAX_FINDINGS)
            fiveXx.push({
              label: r.label,
              request: describeRequest(r),
              outcome: `${x.status} ${x.body.slice(0, 200)}`,
            });
        }
        if (x.kind === "hang" && r.stall) {
          stallCount++;
          if (stalls.length < MAX_FINDINGS)
            stalls.push({ label: r.label, request: describeRequest(r), outcome: `held open ${x.ms} ms, no answer` });
        } else if (x.kind === "hang") {
          hangCount++;
          if (hangs.length < MAX_FINDINGS)
            hangs.push({ label: r.label, request: describeRequest(r), outcome: `no answer in ${x.ms} ms` });
        }
        if (++sent % 2000 === 0) o.say(`${sent} requests answered`);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, lane));

    // WebSocket sessions, a few at a time.
    const gatewayLines = () => (procs.gateway as { lines: string[] }).lines;
    const wsSessions = fc.sample(wsSessionArb(known), { numRuns: o.wsSessions, seed: o.seed ^ 0x5eed });
    const ws = {
      frames: 0,
      replies: new Map<string, number>(),
      closes: new Map<string, number>(),
      refused: new Map<string, number>(),
    };
    const wsFindings: Finding[] = [];
    let wsBad = 0;
    let nextWs = 0;
    const wsLane = async () => {
      while (nextWs < wsSessions.length) {
        const s = wsSessions[nextWs++];
        if (!s) break;
        const linesBefore = gatewayLines().length;
        const x: WsOutcome = await runWsSession(port, s, done, o.timeoutMs);
        const logged = gatewayLines()
          .slice(linesBefore)
          .filter((l) => /"level":(40|50|60)/.test(l))
          .map((l) => l.slice(0, 300));
        ws.frames += x.sent;
        for (const [k, v] of Object.entries(x.replies)) ws.replies.set(k, (ws.replies.get(k) ?? 0) + v);
        if (x.refusedWith !== null)
          ws.refused.set(String(x.refusedWith), (ws.refused.get(String(x.refusedWith)) ?? 0) + 1);
        else ws.closes.set(String(x.close ?? "by us"), (ws.closes.get(String(x.close ?? "by us")) ?? 0) + 1);
        const bad = x.hung || !cleanClose(x.close, s) || (x.refusedWith !== null && x.refusedWith >= 500);
        if (bad) {
          wsBad++;
          if (wsFindings.length < MAX_FINDINGS)
            wsFindings.push({
              label: "ws",
              request: `tenant ${s.tenant ?? "(none)"}, ?taskId=${s.taskId ?? ""}; frames: ${x.lastFrames.join(" ⏎ ")}${
                logged.length ? `; gateway logged meanwhile: ${logged.join(" ⏎ ")}` : ""
              }`,
              outcome: x.hung
                ? `no answer to the probe in ${o.timeoutMs} ms`
                : `closed ${x.close ?? ""} / refused ${x.refusedWith ?? ""}`,
            });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, o.concurrency) }, wsLane));

    // Afterwards: every service alive, and an ordinary task still goes through (nothing poisoned the system).
    const dead = Object.entries(procs)
      .filter(([, p]) => p.child.exitCode !== null || p.child.signalCode !== null)
      .map(([name, p]) => `${name}: ${p.lines.slice(-2).join(" | ").slice(0, 300)}`);
    let healthy = false;
    try {
      const probe = await post("/tasks", { prompt: "after the fuzz" });
      healthy = await waitFor(
        async () =>
          ((await (await fetch(`${base}/tasks/${probe}`)).json()) as { status: string }).status === "completed",
        { timeoutMs: 30_000, intervalMs: 200, what: "a task after the fuzz" },
      ).then(
        () => true,
        () => false,
      );
    } catch {
      healthy = false;
    }
    const logged = (p: { lines: string[] }, re: RegExp) => p.lines.filter((l) => re.test(l)).length;
    const serverErrors = {
      gatewayRequestFailed: logged(procs.gateway as { lines: string[] }, /"request failed"/),
      gatewayWsMessageFailed: logged(procs.gateway as { lines: string[] }, /"ws message failed"/),
      projectorErrors: logged(procs.projector as { lines: string[] }, /"level":(50|60)/),
      schedulerErrors: logged(procs.scheduler as { lines: string[] }, /"level":(50|60)/),
    };
    return {
      seed: o.seed,
      requests: o.requests,
      byStatus: Object.fromEntries([...byStatus].sort()),
      byRoute: Object.fromEntries([...byRoute].map(([k, v]) => [k, Object.fromEntries([...v].sort())])),
      fiveXx: fiveXxCount,
      hangs: hangCount,
      fiveXxFindings: fiveXx,
      hangFindings: hangs,
      stalledHeld: stallCount,
      stalledFindings: stalls,
      ws: {
        sessions: wsSessions.length,
        frames: ws.frames,
        replies: Object.fromEntries(ws.replies),
        closes: Object.fromEntries(ws.closes),
        refused: Object.fromEntries(ws.refused),
        bad: wsBad,
        findings: wsFindings,
      },
      serverErrors,
      dead,
      healthyAfter: healthy,
      extraPaths,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await cleanup.run();
  }
}

async function dropSchema(url: string, schema: string) {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const r = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname like $1", [
      `${schema}%`,
    ]);
    for (const { nspname } of r.rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } finally {
    await client.end();
  }
}
