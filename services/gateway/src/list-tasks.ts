import { isStorableDate, type TaskState } from "@taskjet/events";
import { rowToState } from "@taskjet/runtime";
import { sql } from "kysely";
import { z } from "zod";
import type { ListTasksQuery } from "./api-schemas.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";

/** The last row of a page, (createdAt, id): exactly what Postgres will cast to timestamptz and uuid. */
const Cursor = z.object({ c: z.iso.datetime({ offset: true }).refine(isStorableDate), i: z.uuid() });
type Cursor = z.infer<typeof Cursor>;

const encodeCursor = (t: TaskState) =>
  Buffer.from(JSON.stringify({ c: t.createdAt, i: t.id } satisfies Cursor)).toString("base64url");

function decodeCursor(raw: string): Cursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    json = undefined;
  }
  const parsed = Cursor.safeParse(json);
  if (!parsed.success) throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
  return parsed.data;
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
