import { existsSync, readFileSync } from "node:fs";
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

/** The console's <title> as built, or null when web/dist is absent. */
function builtTitle(): string | null {
  if (!existsSync(INDEX)) return null;
  return /<title>([^<]*)<\/title>/.exec(readFileSync(INDEX, "utf8"))?.[1] ?? "";
}

describe("the browser harness", () => {
  it("opens the console the gateway serves, in headless Chromium, across a gateway restart", async () => {
    const page = await browser.newPage();
    const title = builtTitle();
    const expectConsole = async () => {
      const res = await page.goto(system.baseUrl);
      expect(res?.status()).toBe(200);
      if (title === null) await page.getByText("npm run build -w web").waitFor();
      else expect(await page.title()).toBe(title);
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

    await system.restartGateway();
    await expectConsole();
    await page.close();
  });
});
