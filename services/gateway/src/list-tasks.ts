import type { TaskState } from "@taskjet/events";
import { rowToState } from "@taskjet/runtime";
import { sql } from "kysely";
import type { ListTasksQuery } from "./api-schemas.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";

type Cursor = { c: string; i: string };

const encodeCursor = (t: TaskState) => Buffer.from(JSON.stringify({ c: t.createdAt, i: t.id })).toString("base64url");

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Cursor;
    if (typeof c.c === "string" && !Number.isNaN(Date.parse(c.c)) && typeof c.i === "string") return c;
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
}

/** One page of the tenant's tasks, newest first by (createdAt, id): a stable order for keyset pagination. */
export async function listTasks(deps: GatewayDeps, tenant: string, q: ListTasksQuery) {
  let query = deps.db.selectFrom("tasks").selectAll().where("tenant", "=", tenant);
  if (q.status) query = query.where("status", "in", q.status);
  if (q.parentId) query = query.where("parentId", "=", q.parentId);
  if (q.createdAfter) query = query.where("createdAt", ">", new Date(q.createdAfter));
  if (q.createdBefore) query = query.where("createdAt", "<", new Date(q.createdBefore));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    query = query.where(sql<boolean>`(created_at, id) < (${c.c}::timestamptz, ${c.i}::uuid)`);
  }
  const rows = await query
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
  const tasks = rows.slice(0, q.limit).map(rowToState);
  const last = tasks.at(-1);
  return { tasks, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}
