import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ConsoleSystem, launchChromium, startConsoleSystem, waitFor } from "@taskjet/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const INDEX = join(import.meta.dirname, "../../web/dist/index.html");

let system: ConsoleSystem;
let browser: Browser;

beforeAll(async () => {
  [system, browser] = await Promise.all([startConsoleSystem("harness"), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe("the browser harness", () => {
  it("opens the console the gateway serves, in headless Chromium, across a gateway restart", async () => {
    const page = await browser.newPage();
    const built = existsSync(INDEX);
    const expectConsole = async (path = "/") => {
      const res = await page.goto(`${system.baseUrl}${path}`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()["content-type"]).toMatch(/^text\/html/);
      if (!built) {
        await page.getByText("npm run build -w web").waitFor();
        return;
      }
      // The console's script came from /assets and rendered into #root.
      await page.locator("#root > *").first().waitFor();
      expect(await page.title()).toMatch(/Taskjet/);
    };
    await expectConsole();

    // The services run for real: a task submitted to the API completes on the fake provider.
    const submit = await page.request.post(`${system.baseUrl}/tasks`, { data: { prompt: "harness" } });
    expect(submit.status()).toBe(202);
    const { id } = await submit.json();
    await waitFor(async () => {
      const task = await (await page.request.get(`${system.baseUrl}/tasks/${id}`)).json();
      return task.status === "completed" && task;
    });
    // A link to the task opens the console, where the same URL is JSON to the API client above.
    await expectConsole(`/tasks/${id}`);

    await system.restartGateway();
    await expectConsole();
    await page.close();
  });
});
