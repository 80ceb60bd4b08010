import { ms, renderTable } from "../shared/table.ts";
import type { Finding, FuzzReport } from "./run.ts";

const counts = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ") || "—";

/** What makes the run fail: any 5xx, any hang, an unclean WebSocket end, a dead or poisoned system. */
export function fuzzFailures(r: FuzzReport): string[] {
  const out: string[] = [];
  if (r.fiveXx > 0) out.push(`${r.fiveXx} 5xx`);
  if (r.hangs > 0) out.push(`${r.hangs} hangs`);
  if (r.stalledHeld > 0) out.push(`${r.stalledHeld} stalled bodies held open`);
  if (r.ws.bad > 0) out.push(`${r.ws.bad} WebSocket sessions hung or closed uncleanly`);
  if (r.dead.length > 0) out.push(`${r.dead.length} services died`);
  if (!r.healthyAfter) out.push("an ordinary task did not complete after the fuzz");
  return out;
}

const findings = (title: string, xs: Finding[]) =>
  xs.length === 0 ? [] : ["", `${title}:`, ...xs.map((f) => `  [${f.label}] ${f.request}\n      → ${f.outcome}`)];

export function renderFuzzReport(r: FuzzReport): string {
  const main = renderTable(`fuzz: ${r.requests} HTTP requests + ${r.ws.frames} WebSocket frames, seed ${r.seed}`, [
    ["answers by status", counts(r.byStatus)],
    ["5xx", r.fiveXx],
    ["hangs (no answer in time)", r.hangs],
    ["stalled bodies held open past the timeout", r.stalledHeld],
    ["WebSocket sessions", r.ws.sessions],
    ["WebSocket frames sent", r.ws.frames],
    ["WebSocket replies", counts(r.ws.replies)],
    ["WebSocket closes", counts(r.ws.closes)],
    ["WebSocket upgrades refused", counts(r.ws.refused)],
    ["WebSocket sessions hung / unclean", r.ws.bad],
    ["gateway 'request failed' log lines", r.serverErrors.gatewayRequestFailed],
    ["gateway 'ws message failed' log lines", r.serverErrors.gatewayWsMessageFailed],
    ["projector error log lines", r.serverErrors.projectorErrors],
    ["scheduler error log lines", r.serverErrors.schedulerErrors],
    ["services dead afterwards", r.dead.length],
    ["an ordinary task completes afterwards", r.healthyAfter ? "yes" : "NO"],
    ["routes from /openapi.json beyond the known ones", r.extraPaths.join(", ") || "none"],
    ["whole run", ms(r.elapsedMs)],
  ]);
  const routes = renderTable(
    "by route",
    Object.entries(r.byRoute).map(([k, v]) => [k, counts(v)]),
  );
  return [
    main,
    "",
    routes,
    ...findings("5xx (first few, with the request)", r.fiveXxFindings),
    ...findings("hangs (first few)", r.hangFindings),
    ...findings("stalled bodies held open (first few)", r.stalledFindings),
    ...findings("WebSocket sessions hung or closed uncleanly (first few)", r.ws.findings),
    ...(r.dead.length ? ["", "dead services:", ...r.dead.map((d) => `  ${d}`)] : []),
  ].join("\n");
}
