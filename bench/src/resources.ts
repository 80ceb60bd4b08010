import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Processes to watch under one label: a service, a peer's worker, a server (Postgres is many processes). */
export type Watched = { label: string; pids: () => number[] };
export type Usage = { peakRssMb: number; cpuSeconds: number };

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** Proportional set size: shared pages split among their sharers, so Postgres's processes add up honestly. */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export const pidsOf = (name: string) => () => {
  try {
    return execFileSync("pgrep", ["-x", name], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/**
 * Samples memory every `intervalMs` and CPU time at start and end, per label. A process that exits meanwhile
 * keeps the CPU time last seen; one that starts meanwhile counts from zero.
 */
export function watchResources(watched: Watched[], intervalMs = 250) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const peak = new Map<string, number>();
  const pidsByLabel = new Map<string, Set<number>>();
  const sample = (initial: boolean) => {
    for (const w of watched) {
      const pids = pidsByLabel.get(w.label) ?? new Set<number>();
      pidsByLabel.set(w.label, pids);
      let rss = 0;
      for (const pid of w.pids()) {
        pids.add(pid);
        const t = cpuTicks(pid);
        if (t !== null) {
          if (initial) first.set(pid, t);
          last.set(pid, t);
        }
        rss += pssKb(pid);
      }
      peak.set(w.label, Math.max(peak.get(w.label) ?? 0, rss));
    }
  };
  sample(true);
  const timer = setInterval(() => sample(false), intervalMs);
  return {
    stop(): Record<string, Usage> {
      clearInterval(timer);
      sample(false);
      const out: Record<string, Usage> = {};
      for (const w of watched) {
        let ticks = 0;
        for (const pid of pidsByLabel.get(w.label) ?? []) ticks += (last.get(pid) ?? 0) - (first.get(pid) ?? 0);
        out[w.label] = {
          peakRssMb: Math.round((peak.get(w.label) ?? 0) / 1024),
          cpuSeconds: Math.round((ticks / TICKS_PER_SECOND) * 10) / 10,
        };
      }
      return out;
    },
  };
}
