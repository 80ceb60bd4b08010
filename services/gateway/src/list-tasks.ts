import { isStorableDate, type TaskState } from "@taskjet/events";
import { listTasks as listTaskPage, type TaskKeyset } from "@taskjet/read-model";
import { z } from "zod";
import type { ListTasksQuery } from "./api-schemas.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";

/** The last row of a page, (createdAt, id): exactly what Postgres will cast to timestamptz and uuid. */
const Cursor = z.object({ c: z.iso.datetime({ offset: true }).refine(isStorableDate), i: z.uuid() });
type Cursor = z.infer<typeof Cursor>;

const encodeCursor = (t: TaskState) =>
  Buffer.from(JSON.stringify({ c: t.createdAt, i: t.id } satisfies Cursor)).toString("base64url");

function decodeCursor(raw: string): TaskKeyset {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    json = undefined;
  }
  const parsed = Cursor.safeParse(json);
  if (!parsed.success) throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
  return { createdAt: parsed.data.c, id: parsed.data.i };
}

/** One page of the tenant's tasks, newest first, and the opaque cursor of the next page (null on the last). */
export async function listTasks(deps: GatewayDeps, tenant: string, q: ListTasksQuery) {
  const { cursor, ...filter } = q;
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const { tasks, more } = await listTaskPage(deps.db, tenant, { ...filter, after });
  const last = tasks.at(-1);
  return { tasks, nextCursor: more && last ? encodeCursor(last) : null };
}
