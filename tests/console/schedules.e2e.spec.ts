import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConsoleSystem, launchChromium, startConsoleSystem, waitFor } from "@taskjet/testkit";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "./console-build.ts";

let system: ConsoleSystem;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureConsoleBuilt();
  system = await startConsoleSystem("consched");
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
}, 180_000);
afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  // What the page showed when the test failed, for the one reading the report.
  const path = join(tmpdir(), "taskjet-console-schedules-failed.png");
  await page.screenshot({ path, fullPage: true }).catch(() => undefined);
  console.error(`screenshot of the failed page: ${path} (${page.url()})`);
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

type Schedule = { id: string; name: string | null; paused: boolean; firings: number };
const schedules = async () =>
  ((await (await fetch(`${system.baseUrl}/schedules`)).json()) as { schedules: Schedule[] }).schedules;

// Several steps that may each wait up to 20 s on two loaded cores: a whole that allows them.
describe("the console's schedules page", { timeout: 120_000 }, () => {
  it("creates a schedule (its field problems shown), lists its next runs, pauses it, lists its tasks, deletes it", async () => {
    const name = `every second ${randomUUID().slice(0, 8)}`;
    await page.goto(`${system.baseUrl}/schedules`);
    await page.getByText("No schedules yet").waitFor();

    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Cron").fill("61 * * * *");
    await page.getByLabel("Time zone").fill("UTC");
    await page.getByLabel("Prompt").fill(`scheduled by ${name}`);
    await page.getByRole("button", { name: "Create schedule" }).click();
    await page.locator(".field-problem").getByText("Invalid value for minute: 61").waitFor();

    await page.getByLabel("Cron").fill("* * * * * *");
    await page.getByRole("button", { name: "Create schedule" }).click();
    const row = page.getByRole("row", { name: new RegExp(name) });
    await row.waitFor();
    expect(await row.locator(".next-runs li").count()).toBe(3);
    const [created] = (await schedules()).filter((s) => s.name === name);
    if (created === undefined) throw new Error("the schedule was not created");

    // The schedulers fire it; the page shows a last firing on one of its refreshes.
    await waitFor(async () => ((await schedules()).find((s) => s.id === created.id)?.firings ?? 0) > 0, {
      what: "a firing",
      timeoutMs: 20_000,
    });
    await row.getByRole("button", { name: "Pause" }).click();
    await row.getByRole("button", { name: "Resume" }).waitFor();
    expect((await schedules()).find((s) => s.id === created.id)?.paused).toBe(true);

    await row.getByRole("link", { name: "Tasks" }).click();
    await page.waitForURL(`**/tasks?scheduleId=${created.id}`);
    await page
      .getByRole("row", { name: new RegExp(`scheduled by ${name}`) })
      .first()
      .waitFor();

    await page.goBack();
    page.once("dialog", (d) => void d.accept());
    await page
      .getByRole("row", { name: new RegExp(name) })
      .getByRole("button", { name: "Delete" })
      .click();
    await page.getByText("No schedules yet").waitFor();
    expect((await schedules()).map((s) => s.id)).not.toContain(created.id);
  });
});
