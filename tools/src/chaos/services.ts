import { type SpawnedService, spawnService } from "@taskjet/testkit";

/** Each process the chaos run keeps alive: two executors, and a projector with its standby. */
export const ROLES = ["gateway", "scheduler", "executor-1", "executor-2", "projector-a", "projector-b"] as const;
export type Role = (typeof ROLES)[number];
type Service = Parameters<typeof spawnService>[0];
const serviceOf = (role: Role) => role.replace(/-.*$/, "") as Service;

export type UnplannedExit = { role: Role; at: number; exit: number | string; lastLines: string[] };

const MAX_RESTARTS_PER_ROLE = 30;
const RESTART_BACKOFF_MS = 1000;

/**
 * Runs the services as `npm start` would and acts as their supervisor: a process the run kills is started
 * again by the run; one that dies on its own is recorded (an unplanned exit is a finding) and restarted after
 * a second, at most 30 times per role, so the run can still finish and count what the death cost.
 */
export function superviseServices(env: Record<string, string>) {
  const current = new Map<Role, { p: SpawnedService; killedByUs: boolean; startedAt: number }>();
  const unplanned: UnplannedExit[] = [];
  const restarts = new Map<Role, number>();
  let stopping = false;

  function start(role: Role) {
    const p = spawnService(serviceOf(role), { ...env, ...(role.startsWith("executor") ? { EXECUTOR_ID: role } : {}) });
    const entry = { p, killedByUs: false, startedAt: Date.now() };
    current.set(role, entry);
    void p.exited.then((exit) => {
      if (entry.killedByUs || stopping) return;
      unplanned.push({ role, at: Date.now(), exit, lastLines: p.lines.slice(-8) });
      const n = (restarts.get(role) ?? 0) + 1;
      restarts.set(role, n);
      if (n > MAX_RESTARTS_PER_ROLE) return;
      setTimeout(() => {
        if (!stopping && current.get(role) === entry) start(role);
      }, RESTART_BACKOFF_MS).unref();
    });
    return p;
  }

  return {
    unplanned,
    startAll() {
      for (const role of ROLES) start(role);
    },
    process: (role: Role) => current.get(role)?.p,
    alive: (role: Role) =>
      current.get(role)?.p.child.exitCode === null && current.get(role)?.p.child.signalCode === null,
    /** The role whose projector holds the lease and projects now, if any. */
    activeProjector(): Role | null {
      for (const role of ["projector-a", "projector-b"] as const) {
        const e = current.get(role);
        if (e && e.p.child.exitCode === null && e.p.lines.some((l) => l.includes("projector running"))) return role;
      }
      return null;
    },
    /** SIGKILL, then a fresh process after `downMs`; resolves once the new one is spawned. */
    async killAndRestart(role: Role, downMs: number) {
      const e = current.get(role);
      if (e) {
        e.killedByUs = true;
        e.p.child.kill("SIGKILL");
        await e.p.exited;
      }
      await new Promise((r) => setTimeout(r, downMs));
      return start(role);
    },
    /** Every process, so a run can tell which ones it still has alive at the end. */
    deadAtEnd(): Role[] {
      return ROLES.filter((r) => {
        const c = current.get(r)?.p.child;
        return !c || c.exitCode !== null || c.signalCode !== null;
      });
    },
    async stopAll() {
      stopping = true;
      const all = [...current.values()];
      for (const e of all) e.p.child.kill("SIGKILL");
      await Promise.all(all.map((e) => e.p.exited));
    },
  };
}
export type Services = ReturnType<typeof superviseServices>;
