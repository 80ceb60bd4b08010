// `npm run -w web screenshots`: the console's pictures in docs/ — the task list, one task with its timeline
// and its output streaming in, and the overview — taken in headless Chromium against the real services (the
// testkit's console system on a throwaway namespace), with tasks that complete, retry, fail, wait and stream.
// Pass --out DIR to write elsewhere (and --dark / --phone for the other looks, to check them by eye).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { launchChromium, startConsoleSystem, waitFor } from "@taskjet/testkit";

const { values } = parseArgs({
  options: { out: { type: "string" }, dark: { type: "boolean" }, phone: { type: "boolean" } },
});
const out = values.out ?? join(import.meta.dirname, "../../docs");
mkdirSync(out, { recursive: true });
const prefix = `console${values.dark ? "-dark" : ""}${values.phone ? "-phone" : ""}`;

const PROMPTS = [
  "Summarise the plot of Hamlet in one sentence.",
  "Translate 'the queue is empty' into French, German and Japanese.",
  "Write a haiku about event sourcing.",
  "List three risks of at-least-once delivery and how to make handlers idempotent.",
  "Explain JetStream consumers to a new engineer in five bullet points.",
  "Draft a polite reply declining a meeting on Friday.",
  "Classify this support ticket: 'my invoice shows the wrong VAT number'.",
  "Give a regex that matches ISO-8601 dates with a zone.",
];

const system = await startConsoleSystem("shots", { FAKE_LLM_LATENCY_MS: "600" });
const { baseUrl } = system;
async function submit(body: Record<string, unknown>, path = "/tasks"): Promise<{ id: string }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
}
const status = async (id: string) =>
  ((await (await fetch(`${baseUrl}/tasks/${id}`)).json()) as { status: string }).status;

try {
  const done = [];
  for (const prompt of PROMPTS) done.push(await submit({ prompt, maxTokens: 400 }));
  await submit({ prompt: "Reply once the provider lets us in. [fake:rate-limit=2]" });
  await submit({ prompt: "Recover from an overloaded provider. [fake:overloaded=1]" });
  const failed = await submit({ prompt: "A request the provider refuses. [fake:fail]", maxAttempts: 2 });
  await submit({ prompt: "Send the weekly digest to the team.", delaySeconds: 3600 });
  const first = done[0];
  if (!first) throw new Error("no task");
  await waitFor(async () => (await status(first.id)) === "completed", { what: "a completed task", timeoutMs: 30_000 });
  await submit({ prompt: "Now make it rhyme: {{parent.output}}" }, `/tasks/${first.id}/chain`);
  await waitFor(async () => (await status(failed.id)) === "failed", { what: "a failed task", timeoutMs: 30_000 });

  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: values.phone ? { width: 390, height: 844 } : { width: 1360, height: 860 },
    deviceScaleFactor: values.phone ? 2 : 1,
    colorScheme: values.dark ? "dark" : "light",
  });

  await page.goto(`${baseUrl}/tasks`);
  const slow = await submit({
    prompt: "Tell me how a task queue keeps its promises. [fake:slow=120]",
    system: "You are a patient teacher.",
    metadata: { team: "docs" },
  });
  await page
    .getByRole("row", { name: /keeps its promises/ })
    .getByText("running")
    .waitFor();
  await page.screenshot({ path: join(out, `${prefix}-tasks.png`) });

  await page.goto(`${baseUrl}/tasks/${slow.id}`);
  const output = page.getByRole("region", { name: "Output" }).locator("pre");
  await waitFor(async () => ((await output.textContent()) ?? "").length > 180, { what: "output streaming in" });
  await page.screenshot({ path: join(out, `${prefix}-task.png`), fullPage: !values.phone });

  await page.goto(`${baseUrl}/tasks/${failed.id}`);
  await page.getByRole("listitem", { name: "Attempt 1" }).waitFor();
  await page.screenshot({ path: join(out, `${prefix}-failed.png`), fullPage: !values.phone });

  await page.goto(`${baseUrl}/overview`);
  await page.getByRole("img", { name: /finished in the last hour/ }).waitFor();
  await page.screenshot({ path: join(out, `${prefix}-overview.png`) });
  await browser.close();
  console.log(`screenshots in ${out}: ${prefix}-{tasks,task,failed,overview}.png`);
} finally {
  await system.stop();
}
