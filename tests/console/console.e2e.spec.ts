import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { costUsd, DEFAULT_PRICES, flowKeys, LaneState, type TaskEvent } from "@taskjet/events";
import { ev } from "@taskjet/events/fixtures";
import { openBucket } from "@taskjet/runtime";
import { type ConsoleSystem, launchChromium, startConsoleSystem, waitFor } from "@taskjet/testkit";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureConsoleBuilt } from "./console-build.ts";
import { countLoads, live, outputText, pageStatus, rowStatus, submitTask, tasksWithPrompt } from "./page-helpers.ts";

let system: ConsoleSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  await ensureConsoleBuilt();
  // Webhooks to a receiver in this process, on loopback; tried again quickly.
  system = await startConsoleSystem("console", { WEBHOOK_ALLOWED_HOSTS: "127.0.0.1", WEBHOOK_RETRY_BASE_MS: "100" });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});
afterEach(async ({ task }) => {
  if (task.result?.state === "fail") {
    // What the page showed when the test failed, for the one reading the report.
    for (const [i, p] of context.pages().entries()) {
      const path = join(tmpdir(), `taskjet-console-${task.name.replace(/\W+/g, "-").slice(0, 60)}-${i}.png`);
      await p.screenshot({ path, fullPage: true }).catch(() => undefined);
      console.error(`screenshot of the failed page: ${path} (${p.url()})`);
    }
  }
  await context.close();
});

const unique = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

describe("the console in a browser", { timeout: 60_000 }, () => {
  it("shows a task submitted from the form in the open list, live, until it completes (one task for a submit sent twice)", async () => {
    const list = page;
    const loads = countLoads(list);
    await list.goto(`${system.baseUrl}/tasks`);
    await live(list);
    const prompt = unique("Say hello from the form");
    const form = await context.newPage();
    await form.goto(`${system.baseUrl}/new`);
    await form.getByLabel("Prompt", { exact: true }).fill(prompt);
    await form.getByLabel("Max tokens").fill("64");
    const keys: string[] = [];
    form.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/tasks")
        keys.push(r.headers()["idempotency-key"] ?? "");
    });
    // Two submits in one tick, before the button can disable itself: both reach the API, with the form's one key.
    await form.getByRole("form", { name: "New task" }).evaluate((f) => {
      const form = f as unknown as { requestSubmit(): void }; // a <form>; the tests build without the DOM types
      form.requestSubmit();
      form.requestSubmit();
    });
    await pageStatus(form, "completed");
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe("");
    expect(keys[1]).toBe(keys[0]);
    // The list was open before the task existed: it appears and completes there with no reload.
    await rowStatus(list, new RegExp(prompt), "completed");
    expect(loads()).toBe(1);
    expect(await tasksWithPrompt(system, prompt)).toHaveLength(1);
  });

  it("shows the API's validation error on the field it is about", async () => {
    await page.goto(`${system.baseUrl}/new`);
    await page.getByLabel("Prompt", { exact: true }).fill(unique("too hot"));
    const temperature = page.getByLabel("Temperature");
    await temperature.fill("1.5");
    await page.getByRole("button", { name: "Submit task" }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await temperature.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await temperature.getAttribute("aria-describedby")) ?? "";
    expect(await page.locator(`[id="${describedBy.split(" ")[0]}"]`).textContent()).toMatch(/1/);
    expect(await page.getByLabel("Prompt", { exact: true }).getAttribute("aria-invalid")).toBe("false");
    expect(page.url()).toMatch(/\/new$/);
  });

  it("streams a slow task's output into its page as it is generated", async () => {
    const task = await submitTask(system, { prompt: `${unique("Tell a slow story")} [fake:slow=60]` });
    await page.goto(`${system.baseUrl}/tasks/${task.id}`);
    await pageStatus(page, "running");
    const seen: number[] = [];
    await waitFor(
      async () => {
        const length = (await outputText(page)).length;
        if (length > (seen.at(-1) ?? 0)) seen.push(length);
        return seen.length >= 4;
      },
      { what: "the output to grow four times", intervalMs: 20 },
    );
    await pageStatus(page, "completed");
    const final = await outputText(page);
    expect(final).toMatch(/^Fake reply to: Tell a slow story/);
    expect(seen.every((n) => n < final.length)).toBe(true);
  });

  it("cancels a running task from its page, and the provider call stops", async () => {
    const task = await submitTask(system, { prompt: `${unique("Never finish")} [fake:slow=200]` });
    await page.goto(`${system.baseUrl}/tasks/${task.id}`);
    await pageStatus(page, "running");
    await waitFor(async () => (await outputText(page)).startsWith("Fake reply"), { what: "some output" });
    await page.getByRole("button", { name: "Cancel task…" }).click();
    await page.getByLabel("Reason").fill("changed my mind");
    await page.getByRole("button", { name: "Confirm cancel" }).click();
    await pageStatus(page, "cancelled");
    await page.getByText("Cancelled: changed my mind").waitFor();
    // Only what a cancelled task allows: no cancel, no retry, no chain.
    expect(await page.getByRole("button", { name: /Cancel task|Retry/ }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Chain from this task" }).count()).toBe(0);
    // The executor aborted the call: its attempt ends as cancelled with the partial output, never completed.
    const stopped = await waitFor(
      async () => {
        const events = await system.ctx.history(task.id);
        return events.find(
          (e): e is Extract<TaskEvent, { type: "TaskAttemptFailed" }> =>
            e.type === "TaskAttemptFailed" && e.error.code === "cancelled",
        );
      },
      { what: "the executor to stop the call" },
    );
    expect(stopped.output?.length ?? 0).toBeLessThan(400);
    expect((await system.ctx.history(task.id)).some((e) => e.type === "TaskCompleted")).toBe(false);
  });

  it("retries a failed task from its page", async () => {
    // The first call is answered 529 and one attempt is all it has; the second call succeeds.
    const task = await submitTask(system, {
      prompt: `${unique("Overloaded once")} [fake:overloaded=1]`,
      maxAttempts: 1,
    });
    await page.goto(`${system.baseUrl}/tasks/${task.id}`);
    await pageStatus(page, "failed");
    await page
      .getByRole("listitem", { name: "Attempt 1" })
      .locator("code", { hasText: /^overloaded$/ })
      .waitFor();
    expect(await page.getByRole("button", { name: "Cancel task…" }).count()).toBe(0);
    await page.getByRole("button", { name: "Retry" }).click();
    await pageStatus(page, "completed");
    await page.getByRole("listitem", { name: "Retry requested" }).waitFor();
    await page.getByRole("listitem", { name: "Attempt 2" }).getByText("completed", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
  });

  it("creates a chain from a parent's page, and shows parent and child to each other", async () => {
    const parentPrompt = unique("Name a colour");
    const parent = await submitTask(system, { prompt: parentPrompt });
    await page.goto(`${system.baseUrl}/tasks/${parent.id}`);
    await pageStatus(page, "completed");
    await page.getByRole("link", { name: "Chain from this task" }).click();
    await page.getByRole("heading", { name: "Chain a task" }).waitFor();
    const prompt = page.getByLabel("Prompt", { exact: true });
    expect(await prompt.inputValue()).toContain("{{parent.output}}");
    await prompt.fill("Now in capitals: {{parent.output}}");
    await page.getByRole("button", { name: "Chain task" }).click();
    await pageStatus(page, "completed");
    const childUrl = page.url();
    expect(childUrl).not.toContain(parent.id);
    expect(await outputText(page)).toContain(`Now in capitals: Fake reply to: ${parentPrompt}`);
    await page.getByRole("link", { name: /^parent: / }).click();
    await page.waitForURL(`**/tasks/${parent.id}`);
    await page.getByRole("link", { name: /^child: Now in capitals/ }).waitFor();
  });

  it("adds a child chained by another client to its parent's open page, live, without a reload", async () => {
    const parent = await submitTask(system, { prompt: unique("A parent left open") });
    const loads = countLoads(page);
    await page.goto(`${system.baseUrl}/tasks/${parent.id}`);
    await pageStatus(page, "completed");
    await page.getByText("No chained tasks.").waitFor(); // the children were read, and there were none
    await live(page);
    const childPrompt = unique("Chained elsewhere");
    await submitTask(system, { prompt: `${childPrompt}: {{parent.output}}` }, `/tasks/${parent.id}/chain`);
    const child = page.getByRole("link", { name: new RegExp(`^child: ${childPrompt}`) });
    await child.waitFor();
    await page.locator(".tree-node", { has: child }).locator('[data-status="completed"]').waitFor();
    expect(loads()).toBe(1);
  });

  it("shows a task scheduled 3 s ahead as scheduled, then runs it", async () => {
    await page.goto(`${system.baseUrl}/new`);
    const prompt = unique("Later");
    await page.getByLabel("Prompt", { exact: true }).fill(prompt);
    await page.getByRole("radio", { name: "After a delay" }).check();
    await page.getByLabel("Delay (seconds)").fill("3");
    await page.getByRole("button", { name: "Submit task" }).click();
    await pageStatus(page, "scheduled");
    await page.getByRole("listitem", { name: "Accepted" }).getByText("scheduled").waitFor();
    await pageStatus(page, "completed");
    const [listed] = await tasksWithPrompt(system, prompt);
    const task = await getTask(listed?.id ?? "");
    expect(Date.parse(task.runAt ?? "")).toBeGreaterThanOrEqual(Date.parse(task.createdAt) + 3000);
    expect(Date.parse(task.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(task.runAt ?? ""));
  });

  it("opens a task from the list with the keyboard", async () => {
    const prompt = unique("Pick me");
    const task = await submitTask(system, { prompt });
    await page.goto(`${system.baseUrl}/tasks`);
    await rowStatus(page, new RegExp(prompt), "completed");
    const grid = page.getByRole("grid", { name: "Tasks" });
    await grid.focus();
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/tasks/${task.id}`);
  });

  it("catches up after the gateway restarts with what happened meanwhile", async () => {
    const loads = countLoads(page);
    const runningPrompt = unique("Runs through the restart");
    const running = await submitTask(system, { prompt: `${runningPrompt} [fake:slow=30]` });
    await page.goto(`${system.baseUrl}/tasks`);
    await rowStatus(page, new RegExp(runningPrompt), "running");
    const meanwhilePrompt = unique("Made while the gateway was down");
    const meanwhileId = randomUUID();
    await system.restartGateway(async () => {
      await page.getByRole("status", { name: "Connection: offline" }).waitFor();
      await system.ctx.publish({
        type: "TaskSubmitted",
        v: 1,
        taskId: meanwhileId,
        at: new Date().toISOString(),
        prompt: meanwhilePrompt,
        system: null,
        model: "claude-sonnet-4-5",
        maxTokens: 64,
        temperature: null,
        runAt: null,
        maxAttempts: 3,
        timeoutMs: 60_000,
        tenant: "default",
        idempotencyKey: null,
        metadata: {},
        priority: "normal",
      });
      for (const id of [running.id, meanwhileId]) {
        await waitFor(async () => (await system.ctx.history(id)).some((e) => e.type === "TaskCompleted"), {
          what: `task ${id} to complete while the gateway is down`,
          timeoutMs: 30_000,
        });
      }
    });
    await live(page);
    await rowStatus(page, new RegExp(runningPrompt), "completed");
    await rowStatus(page, new RegExp(meanwhilePrompt), "completed");
    expect(loads()).toBe(1);
  });
});

describe("flow control in the console", { timeout: 60_000 }, () => {
  /**
   * A lane as the executors keep it in the flow bucket, written here directly: the lane document is the
   * contract between executors and gateway. Paused for two minutes, so an executor holds the lane's tasks.
   */
  async function writeLane(lane: string) {
    const kv = await openBucket(system.ctx.js, system.ctx.names, "flow", system.ctx.config);
    const now = Date.now();
    const state = LaneState.parse({
      lane,
      limits: { requests: 600, inputTokens: 100_000, outputTokens: 20_000, concurrency: 10 },
      learned: { requests: 600, inputTokens: 100_000, outputTokens: null, concurrency: null },
      buckets: {
        requests: { level: 450, at: now },
        inputTokens: { level: 100_000, at: now },
        outputTokens: { level: 20_000, at: now },
      },
      pausedUntil: now + 120_000,
      calls: {},
      totals: { calls: 150, inputTokens: 12_000, outputTokens: 3000, rateLimited: 2 },
      updatedAt: now,
    });
    await kv.put(flowKeys.lane(lane), JSON.stringify(state));
    return state;
  }

  it("shows a model lane on the overview: its use against its limits, and its pause", async () => {
    const lane = `fake/${unique("console-lane").replace(" ", "-")}`;
    await writeLane(lane);
    await page.goto(`${system.baseUrl}/overview`);
    const card = page.getByRole("article", { name: `Lane ${lane}` });
    await card.waitFor();
    await card.getByText("150 / 600 used").waitFor(); // requests: 450 of 600 left
    await card.getByText(/^paused until .* left$/).waitFor();
    await card.getByText("150 calls · 12,000 in · 3,000 out").waitFor();
  });

  it("shows why a queued task waits, in its page and in the list, once TaskWaiting is in the stream", async () => {
    // The task's own lane, paused: the executor holds it, queued, instead of starting it.
    const model = unique("held").replace(" ", "-");
    const lane = `fake/${model}`;
    const { pausedUntil } = await writeLane(lane);
    const prompt = unique("Wait for the lane");
    const task = await submitTask(system, { prompt, model, priority: "high" });
    await waitFor(async () => (await system.ctx.history(task.id)).some((e) => e.type === "TaskQueued"), {
      what: "the task to be queued",
    });
    const until = new Date((pausedUntil ?? 0) + 1000).toISOString();
    await system.ctx.publish(
      ev.waiting({ taskId: task.id, at: new Date().toISOString(), reason: "rate_limited", lane, until }),
    );
    try {
      await page.goto(`${system.baseUrl}/tasks/${task.id}`);
      await page
        .locator('h1 [data-waiting="rate_limited"]')
        .getByText(/^waiting: rate_limited until \d/)
        .waitFor();
      await page.getByText("high", { exact: true }).waitFor();
      await page.goto(`${system.baseUrl}/tasks`);
      await page
        .getByRole("row", { name: new RegExp(prompt) })
        .getByText(/^waiting: rate_limited until/)
        .waitFor();
    } finally {
      await fetch(`${system.baseUrl}/tasks/${task.id}/cancel`, { method: "POST" });
    }
  });

  it("shows a conversation's turns, the reply's thinking and its tool call on the task's page, and the form sends one", async () => {
    const question = unique("What is the weather in Oslo?");
    await page.goto(`${system.baseUrl}/new`);
    const request = {
      messages: [{ role: "user", content: question }],
      tools: [{ name: "get_weather", inputSchema: { type: "object", properties: { city: { type: "string" } } } }],
      thinking: { type: "enabled", budgetTokens: 1024 },
    };
    await page.getByLabel("Max tokens").fill("2048");
    await page.getByLabel("Messages API (JSON)").fill(JSON.stringify(request));
    await page.getByRole("button", { name: "Submit task" }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await pageStatus(page, "completed");
    const conversation = page.getByRole("list", { name: "Conversation" });
    expect(await conversation.innerText()).toContain(question);
    const thinking = page.getByRole("region", { name: "Thinking" });
    expect((await thinking.innerText()).length).toBeGreaterThan("Thinking".length);
    const calls = page.getByRole("region", { name: "Tool calls" });
    expect(await calls.innerText()).toContain("get_weather");
    expect(await page.getByRole("region", { name: "Output" }).innerText()).toContain("the model called a tool");
    await expect(
      page
        .locator("dt", { hasText: /^Stop reason$/ })
        .locator("xpath=following-sibling::dd")
        .innerText(),
    ).resolves.toBe("tool_use");
    expect(await page.locator(".task-name").innerText()).toContain(question.slice(0, 40));
  });

  it("shows what a task cost by the price table on its page, in the list, and today's spend on the overview", async () => {
    const model = "claude-haiku-4-5"; // in the price table, whichever provider answers
    const prompt = unique("What does this cost");
    const created = await submitTask(system, { prompt, model });
    const task = await waitFor(
      async () => {
        const t = (await (await fetch(`${system.baseUrl}/tasks/${created.id}`)).json()) as {
          status: string;
          costUsd: number;
          usage: { inputTokens: number; outputTokens: number } | null;
        };
        return t.status === "completed" && t.usage ? { ...t, usage: t.usage } : undefined;
      },
      { what: "the task to complete" },
    );
    expect(task.costUsd).toBeCloseTo(costUsd(model, task.usage, DEFAULT_PRICES) ?? -1, 12);
    /** A dollar amount the page shows, as a number: `$0.000123` → 0.000123. */
    const dollars = (text: string) => Number(text.replace(/^\$/, "").replace(/,/g, ""));

    await page.goto(`${system.baseUrl}/tasks/${created.id}`);
    const cost = page.locator("dt", { hasText: /^Cost$/ }).locator("xpath=following-sibling::dd");
    await cost.getByText(/^\$/).waitFor();
    expect(dollars(await cost.innerText())).toBeCloseTo(task.costUsd, 6);
    await page
      .locator("dt", { hasText: /^Usage$/ })
      .locator("xpath=following-sibling::dd")
      .getByText(/ in · .* out/)
      .waitFor();

    await page.goto(`${system.baseUrl}/tasks`);
    const row = page.getByRole("row", { name: new RegExp(prompt) });
    await row.getByText(/^(<\$0\.01|\$\d+\.\d\d)$/).waitFor(); // its Cost column, in cents

    await page.goto(`${system.baseUrl}/overview`);
    const tile = page.getByRole("region", { name: /^Cost today: \$/ });
    await tile.waitFor();
    const stats = (await (await fetch(`${system.baseUrl}/stats`)).json()) as { cost: { todayUsd: number } };
    expect(stats.cost.todayUsd).toBeGreaterThanOrEqual(task.costUsd);
    await page.getByRole("img", { name: /spent in the last 30 days$/ }).waitFor();
  });
});

describe("webhooks in the console", { timeout: 60_000 }, () => {
  it("adds a webhook (its secret shown once), shows its deliveries, switches it off and deletes it", async () => {
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await page.goto(`${system.baseUrl}/webhooks`);
      await page.getByLabel("URL").fill(url);
      await page.getByRole("button", { name: "Add webhook" }).click();
      const secret = page.getByRole("status").filter({ hasText: "shown this once" });
      expect(await secret.locator("code").innerText()).toMatch(/^whsec_/);
      const row = page.getByRole("row", { name: new RegExp(url) });
      await row.waitFor();

      const res = await fetch(`${system.baseUrl}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: unique("Tell the webhook") }),
      });
      const task = (await res.json()) as { id: string };
      await waitFor(() => bodies.some((b) => b.includes(task.id)), { what: "the delivery", timeoutMs: 20_000 });

      await row.getByRole("link", { name: url }).click();
      await page.getByRole("heading", { name: url }).waitFor();
      const delivered = page.getByRole("row", { name: new RegExp(`task\\.completed.*${task.id.slice(0, 8)}`) });
      await delivered.getByText("delivered").waitFor();

      await page.getByRole("link", { name: "Webhooks" }).first().click();
      await row.getByRole("button", { name: "Disable" }).click();
      await row.getByText("off", { exact: true }).waitFor();
      expect(
        ((await (await fetch(`${system.baseUrl}/webhooks`)).json()) as { webhooks: { enabled: boolean }[] }).webhooks,
      ).toEqual([expect.objectContaining({ enabled: false })]);
      page.once("dialog", (d) => void d.accept());
      await row.getByRole("button", { name: "Delete" }).click();
      await page.getByText("No webhooks yet").waitFor();
    } finally {
      receiver.close();
    }
  });
});

async function getTask(id: string) {
  const res = await fetch(`${system.baseUrl}/tasks/${id}`);
  return (await res.json()) as { startedAt: string | null; createdAt: string; runAt: string | null };
}
