import type { ConsoleSystem } from "@taskjet/testkit";
import type { Page } from "playwright-core";

export type Created = { id: string; status: string };

/** POST /tasks (or a chain) straight to the API, as another client would. */
export async function submitTask(system: ConsoleSystem, body: Record<string, unknown>, path = "/tasks") {
  const res = await fetch(`${system.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Created;
}

export async function tasksWithPrompt(system: ConsoleSystem, prompt: string) {
  const res = await fetch(`${system.baseUrl}/tasks?limit=500`);
  const page = (await res.json()) as { tasks: { id: string; prompt: string; status: string }[] };
  return page.tasks.filter((t) => t.prompt === prompt);
}

/** The task page's status, as its heading shows it, reaches `status`. */
export const pageStatus = (page: Page, status: string) =>
  page.locator(`h1 [data-status="${status}"]`).waitFor({ state: "visible" });

/** The list's row for a prompt shows `status`. */
export const rowStatus = (page: Page, prompt: string | RegExp, status: string) =>
  page.getByRole("row", { name: prompt }).locator(`[data-status="${status}"]`).waitFor({ state: "visible" });

export const live = (page: Page) => page.getByRole("status", { name: "Connection: live" }).waitFor();

export const outputText = async (page: Page) =>
  (await page.getByRole("region", { name: "Output" }).locator("pre").textContent()) ?? "";

/** Every full page load of this page (a reload would count one more). */
export function countLoads(page: Page) {
  let loads = 0;
  page.on("load", () => loads++);
  return () => loads;
}
