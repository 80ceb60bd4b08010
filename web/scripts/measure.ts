// `npm run -w web measure`: how fast the task list renders with 10,000 tasks (`--tasks N`), in headless
// Chromium against the real services. Prints the time from navigation to the first rows on screen, and to
// all N rows in the table (loaded page by page as the list is scrolled to its end with the End key), both read
// from the console's own performance marks (`taskjet:rows-rendered`).
import { parseArgs } from "node:util";
import { launchChromium, startConsoleSystem, waitFor } from "@taskjet/testkit";

const { values } = parseArgs({ options: { tasks: { type: "string", default: "10000" } } });
const total = Number(values.tasks);
const system = await startConsoleSystem("measure", { FAKE_LLM_LATENCY_MS: "0" });
const { baseUrl } = system;

try {
  let next = 0;
  const lanes = Array.from({ length: 64 }, async () => {
    while (next < total) {
      const i = next++;
      const res = await fetch(`${baseUrl}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: `Task number ${i}: say something short about the number ${i}.` }),
      });
      if (res.status !== 202) throw new Error(`POST /tasks answered ${res.status}`);
    }
  });
  await Promise.all(lanes);
  await waitFor(
    async () => {
      const stats = (await (await fetch(`${baseUrl}/stats`)).json()) as { countsByStatus: Record<string, number> };
      return stats.countsByStatus.completed === total;
    },
    { what: `${total} tasks completed`, timeoutMs: 300_000, intervalMs: 500 },
  );
  console.log(`${total} tasks completed; opening the console`);

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  const marks = () =>
    page.evaluate(() =>
      performance
        .getEntriesByName("taskjet:rows-rendered")
        .map((m) => ({ at: m.startTime, rows: (m as PerformanceMark).detail.rows as number })),
    );
  await page.goto(`${baseUrl}/tasks`);
  await waitFor(async () => (await marks()).length > 0, { what: "the first rows" });
  const first = (await marks())[0];
  const grid = page.getByRole("grid", { name: "Tasks" });
  await grid.focus();
  await waitFor(
    async () => {
      await page.keyboard.press("End");
      return (await marks()).some((m) => m.rows >= total);
    },
    { what: `all ${total} rows`, timeoutMs: 120_000, intervalMs: 50 },
  );
  const all = (await marks()).find((m) => m.rows >= total);
  // One more render of the full table: a keypress that moves the selection, timed inside the page.
  const rerender = await page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector("table.tasks")?.dispatchEvent(new KeyboardEvent("keydown", { key: "Home", bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  await browser.close();
  console.log(
    JSON.stringify({
      tasks: total,
      firstRowsMs: Math.round(first?.at ?? -1),
      firstRows: first?.rows,
      allRowsMs: Math.round(all?.at ?? -1),
      selectionMoveWithAllRowsMs: Math.round(rerender),
    }),
  );
} finally {
  await system.stop();
}
