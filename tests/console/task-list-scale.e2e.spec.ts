import { type ConsoleSystem, launchChromium, startConsoleSystem, waitFor } from "@taskjet/testkit";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "./console-build.ts";

/** Six pages of the list (500 each): far more rows than fit in the DOM if the table were not virtualized. */
const TOTAL = 3000;
/** Rows the table may hold in the DOM at once: a screenful and the overscan, nowhere near TOTAL. */
const MAX_DOM_ROWS = 200;

let system: ConsoleSystem;
let browser: Browser;

beforeAll(async () => {
  await ensureConsoleBuilt();
  // A system of its own: the list holds these tasks and nothing else.
  system = await startConsoleSystem("listscale");
  browser = await launchChromium();
  // An hour ahead, so they stay `scheduled` and no executor works on them (nor changes them under the test).
  for (let i = 0; i < TOTAL; i += 1000) {
    const tasks = Array.from({ length: 1000 }, (_, j) => ({ prompt: `Scale task ${i + j}`, delaySeconds: 3600 }));
    const res = await fetch(`${system.baseUrl}/tasks/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tasks }),
    });
    if (res.status !== 202) throw new Error(`POST /tasks/batch answered ${res.status}: ${await res.text()}`);
  }
  await waitFor(
    async () => {
      const stats = (await (await fetch(`${system.baseUrl}/stats`)).json()) as {
        countsByStatus: Record<string, number>;
      };
      return stats.countsByStatus.scheduled === TOTAL;
    },
    { what: `${TOTAL} scheduled tasks in the read model`, timeoutMs: 60_000 },
  );
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const domRows = (page: Page) => page.locator("table.tasks tbody tr[data-task-id]").count();

describe("the task list with thousands of tasks", { timeout: 120_000 }, () => {
  it("keeps a bounded number of rows in the DOM while it holds them all, and the keyboard opens a task", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${system.baseUrl}/tasks`);
    await page
      .getByRole("row", { name: /Scale task/ })
      .first()
      .waitFor();
    // The status filter counts every task on the server, loaded or not.
    const chip = page.getByRole("button", { name: /^scheduled/ }).locator(".chip-count");
    await chip.getByText("3,000", { exact: true }).waitFor();

    // Scrolled to the end page by page (End), the table loads every task, never rendering more than a window.
    const grid = page.getByRole("grid", { name: "Tasks" });
    await grid.focus();
    let most = 0;
    await waitFor(
      async () => {
        await page.keyboard.press("End");
        most = Math.max(most, await domRows(page));
        return (await grid.getAttribute("aria-rowcount")) === String(TOTAL + 1);
      },
      { what: `all ${TOTAL} rows in the table`, timeoutMs: 60_000, intervalMs: 100 },
    );
    await page.getByText("All 3,000 shown").waitFor();
    await page
      .locator("p.counts")
      .getByText(/^3,000 tasks/)
      .waitFor();
    most = Math.max(most, await domRows(page));
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(MAX_DOM_ROWS);

    // Back to the top, down three, up one: Enter opens the third newest task, as the API lists them.
    const newest = (await (await fetch(`${system.baseUrl}/tasks?limit=3`)).json()) as { tasks: { id: string }[] };
    const third = newest.tasks[2]?.id ?? "";
    for (const key of ["Home", "j", "j", "j", "k"]) await page.keyboard.press(key);
    await page.locator(`tr[aria-selected="true"][data-task-id="${third}"]`).waitFor();
    expect(await domRows(page)).toBeLessThan(MAX_DOM_ROWS);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/tasks/${third}`);
    await page.locator('h1 [data-status="scheduled"]').waitFor();
    await page.close();
  });
});
