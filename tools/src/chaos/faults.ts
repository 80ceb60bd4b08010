import { waitFor } from "@taskjet/testkit";
import type { Role, Services } from "./services.ts";

export type Fault =
  | { kind: "kill"; role: Role | "active projector" | "standby projector" }
  | { kind: "restart"; server: "nats-server" | "postgres" };

export type FaultRecord = {
  name: string;
  at: number;
  /** From the fault until what it took away works again (the service ready, or /ready answering 200). */
  backMs: number | null;
  /** From the fault until the first submit sent after it was accepted. */
  submitsOkMs: number | null;
};

const RECOVERY_TIMEOUT_MS = 90_000;

/** Every fault the run injects, in order: a `kill -9` of each service, then each server restarted. */
export function faultPlan(ownsPostgres: boolean): Fault[] {
  return [
    { kind: "kill", role: "executor-1" },
    { kind: "kill", role: "active projector" },
    { kind: "kill", role: "gateway" },
    { kind: "kill", role: "scheduler" },
    { kind: "restart", server: "nats-server" },
    { kind: "kill", role: "executor-2" },
    { kind: "kill", role: "standby projector" },
    ...(ownsPostgres ? [{ kind: "restart", server: "postgres" } as const] : []),
  ];
}

const nameOf = (f: Fault) => (f.kind === "kill" ? `kill -9 ${f.role}` : `restart ${f.server}`);

/**
 * Injects the faults one after another, each once `progress()` (tasks submitted so far) passes its share of
 * `n`, and waits for the system to come back before the next. `gate(i)` holds back submit `i` while the
 * faults fall more than half a share behind, so every fault lands under load however slow a recovery is.
 */
export function faultRunner(o: {
  plan: Fault[];
  n: number;
  downMs: number;
  services: Services;
  gatewayUrl: string;
  restartNats: (downMs: number) => Promise<void>;
  restartPostgres: ((downMs: number) => Promise<void>) | null;
  progress: () => number;
}) {
  const records: FaultRecord[] = [];
  const share = o.n / (o.plan.length + 1);
  const threshold = (k: number) => Math.floor(share * (k + 1));
  let started = 0;
  let done = 0;
  const gatewayReady = async () => (await fetch(`${o.gatewayUrl}/ready`).catch(() => null))?.status === 200;

  async function inject(f: Fault): Promise<() => Promise<boolean>> {
    if (f.kind === "restart") {
      if (f.server === "nats-server") await o.restartNats(o.downMs);
      else await o.restartPostgres?.(o.downMs);
      return gatewayReady;
    }
    let role: Role;
    if (f.role === "active projector" || f.role === "standby projector") {
      const active = o.services.activeProjector() ?? "projector-a";
      const standby = active === "projector-a" ? "projector-b" : "projector-a";
      role = f.role === "active projector" ? active : standby;
      const p = await o.services.killAndRestart(role, o.downMs);
      // The active one's work moves to the standby; a killed standby is back once its process runs.
      return f.role === "active projector"
        ? async () => o.services.activeProjector() !== null
        : async () => p.child.exitCode === null;
    }
    role = f.role;
    const p = await o.services.killAndRestart(role, o.downMs);
    let ready = false;
    void p.ready.then(() => {
      ready = p.child.exitCode === null;
    });
    return role === "gateway" ? gatewayReady : async () => ready;
  }

  return {
    records,
    /** Submits go on while a fault recovers, but not past the next fault's share until it has begun. */
    async gate(i: number) {
      const due = o.plan.filter((_, k) => threshold(k) + share / 2 <= i).length;
      const ok = () => started >= due && done >= due - 1;
      if (ok()) return;
      await waitFor(ok, { timeoutMs: 4 * RECOVERY_TIMEOUT_MS, intervalMs: 50, what: "faults to catch up" });
    },
    /** A submit sent at `startedAt` was accepted: the faults before it have their submits-ok time. */
    submitAccepted(startedAt: number) {
      const now = Date.now();
      for (const r of records) if (r.submitsOkMs === null && r.at <= startedAt) r.submitsOkMs = now - r.at;
    },
    async run() {
      for (const [k, f] of o.plan.entries()) {
        await waitFor(() => o.progress() >= threshold(k), {
          timeoutMs: 4 * RECOVERY_TIMEOUT_MS,
          intervalMs: 50,
          what: `submits to reach ${threshold(k)} for ${nameOf(f)}`,
        });
        const r: FaultRecord = { name: nameOf(f), at: Date.now(), backMs: null, submitsOkMs: null };
        records.push(r);
        started++;
        const back = await inject(f);
        await waitFor(back, { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 50, what: `recovery from ${r.name}` }).then(
          () => {
            r.backMs = Date.now() - r.at;
          },
          () => undefined, // not back in time: the table says so
        );
        done++;
      }
    },
  };
}
