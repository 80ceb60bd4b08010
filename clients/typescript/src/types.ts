// The API's shapes, named: every one comes from the generated schema (src/schema.ts, `npm run gen:api`), so a
// change of the API is a change here at the next regeneration.
import type { components, paths } from "./schema.ts";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;

export type Task = components["schemas"]["Task"];
export type TaskStatus = Task["status"];
/** The body of `POST /tasks`. */
export type SubmitBody = NonNullable<paths["/tasks"]["post"]["requestBody"]>["content"]["application/json"];
/** The body of `POST /tasks/:id/chain` (`{{parent.output}}` in the prompt is the parent's output). */
export type ChainBody = NonNullable<paths["/tasks/{id}/chain"]["post"]["requestBody"]>["content"]["application/json"];
/** One item of `POST /tasks/batch`: a task body with its own optional idempotency key. */
export type BatchItem = NonNullable<
  paths["/tasks/batch"]["post"]["requestBody"]
>["content"]["application/json"]["tasks"][number];
/** What `POST /tasks/batch` answers per item, in request order: the task, or why that item was not accepted. */
export type BatchResult = Json<paths["/tasks/batch"]["post"]["responses"][202]>["tasks"][number];
/** `GET /tasks` filters; `limit` is the page size. */
export type ListFilters = NonNullable<paths["/tasks"]["get"]["parameters"]["query"]>;
export type TaskPage = Json<paths["/tasks"]["get"]["responses"][200]>;
export type TaskHistory = Json<paths["/tasks/{id}/events"]["get"]["responses"][200]>;
export type TaskEvent = TaskHistory["events"][number];
export type ApiKey = components["schemas"]["ApiKey"];
export type CreatedApiKey = components["schemas"]["CreatedApiKey"];
export type CreateKeyBody = NonNullable<paths["/admin/keys"]["post"]["requestBody"]>["content"]["application/json"];

export type Schedule = components["schemas"]["Schedule"];
/** The body of `POST /schedules`: a cron, its time zone, the task it makes (a `POST /tasks` body) and its policies. */
export type CreateScheduleBody = NonNullable<paths["/schedules"]["post"]["requestBody"]>["content"]["application/json"];
/** The body of `PATCH /schedules/:id`: what changes (`{paused: true}` pauses it). */
export type UpdateScheduleBody = NonNullable<
  paths["/schedules/{id}"]["patch"]["requestBody"]
>["content"]["application/json"];

/** A piece of live output: answer text, thinking, or a tool call's input JSON (`kind`), of content block `block`. */
export type Delta = {
  taskId: string;
  /** Counts re-runs of the task (a retry after it failed starts a new generation). */
  gen: number;
  attempt: number;
  /** Per attempt, from 0. */
  index: number;
  text: string;
  kind?: "text" | "thinking" | "tool_input";
  block?: number;
};

/** What `stream` and `watch` give: a new version of a task, or a piece of its output. */
export type LiveEvent = { type: "task"; task: Task } | ({ type: "delta" } & Delta);

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled"];
export const isTerminal = (status: TaskStatus) => TERMINAL_STATUSES.includes(status);
