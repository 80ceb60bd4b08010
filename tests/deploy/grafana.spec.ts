import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The dashboard queries metrics by name; a metric renamed in the code would leave a panel empty without a word.
const root = join(import.meta.dirname, "../..");
type Panel = { id: number; type: string; title: string; targets?: { expr: string }[] };
const dashboard = JSON.parse(readFileSync(join(root, "deploy/grafana/taskjet.json"), "utf8")) as {
  uid: string;
  panels: Panel[];
};

/** Every metric name the services register (`name: "taskjet_…"` in a source file). */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  for (const dir of ["services", "libs"]) {
    const files = readdirSync(join(root, dir), { recursive: true, encoding: "utf8" });
    for (const file of files.filter((f) => f.endsWith(".ts") && !f.includes("node_modules") && !f.includes("spec"))) {
      const text = readFileSync(join(root, dir, file), "utf8");
      for (const m of text.matchAll(/name: "(taskjet_[a-z_]+)"/g)) names.add(m[1] as string);
    }
  }
  return names;
}

describe("deploy/grafana/taskjet.json", () => {
  const queried = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/taskjet_[a-z_]+/g)].map((m) => m[0])),
  );

  it("queries only metrics the services register", () => {
    const registered = registeredMetrics();
    const base = (name: string) => name.replace(/_(bucket|count|sum)$/, "");
    expect([...new Set(queried.map(base))].filter((n) => !registered.has(n))).toEqual([]);
  });

  it("shows each service's headline figures", () => {
    for (const name of [
      "taskjet_http_request_duration_seconds_bucket",
      "taskjet_executor_calls_in_flight",
      "taskjet_executor_call_seconds_bucket",
      "taskjet_scheduler_timer_lateness_seconds_bucket",
      "taskjet_projector_lag_seconds",
    ]) {
      expect(queried, name).toContain(name);
    }
  });

  it("has unique panel ids", () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
