import type { Insertable, Selectable } from "kysely";
import type { Db, WebhookDeliveriesTable } from "./schema.ts";

export type WebhookAttemptRow = Selectable<WebhookDeliveriesTable>;
export type NewWebhookAttempt = Omit<Insertable<WebhookDeliveriesTable>, "id">;

/** Records one try at a delivery. */
export async function recordWebhookAttempt(db: Db, attempt: NewWebhookAttempt): Promise<void> {
  await db.insertInto("webhookDeliveries").values(attempt).execute();
}

/** How many times a delivery was tried so far, and when first (null: never): a day from then, it is given up. */
export async function webhookAttemptsSoFar(db: Db, webhookId: string): Promise<{ count: number; first: Date | null }> {
  const row = await db
    .selectFrom("webhookDeliveries")
    .select((eb) => [eb.fn.min("attemptedAt").as("first"), eb.fn.countAll().as("count")])
    .where("webhookId", "=", webhookId)
    .executeTakeFirst();
  const first = row?.first as Date | string | null | undefined;
  return { count: Number(row?.count ?? 0), first: first ? new Date(first) : null };
}

/** Where a page of attempts ends: the next page starts strictly after (older than) this one. */
export type AttemptCursor = { attemptedAt: string; id: string };

export const encodeAttemptCursor = (c: AttemptCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
export function decodeAttemptCursor(text: string): AttemptCursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString()) as Partial<AttemptCursor>;
    if (typeof c.attemptedAt !== "string" || Number.isNaN(Date.parse(c.attemptedAt))) return null;
    if (typeof c.id !== "string" || !/^[0-9a-f-]{36}$/.test(c.id)) return null;
    return { attemptedAt: c.attemptedAt, id: c.id };
  } catch {
    return null;
  }
}

/**
 * A tenant's attempts, newest first: those to one target (a subscription id, or `task` for tasks' own webhooks),
 * or those of one task; `limit` per page, then `nextCursor`.
 */
export async function listWebhookAttempts(
  db: Db,
  q: { tenant: string; target?: string; taskId?: string; limit: number; cursor: AttemptCursor | null },
): Promise<{ attempts: WebhookAttemptRow[]; nextCursor: string | null }> {
  let query = db.selectFrom("webhookDeliveries").selectAll().where("tenant", "=", q.tenant);
  if (q.target !== undefined) query = query.where("target", "=", q.target);
  if (q.taskId !== undefined) query = query.where("taskId", "=", q.taskId);
  const { cursor } = q;
  if (cursor !== null) {
    const at = new Date(cursor.attemptedAt);
    query = query.where((eb) =>
      eb.or([eb("attemptedAt", "<", at), eb.and([eb("attemptedAt", "=", at), eb("id", "<", cursor.id)])]),
    );
  }
  const rows = await query
    .orderBy("attemptedAt", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > q.limit && last
      ? encodeAttemptCursor({ attemptedAt: last.attemptedAt.toISOString(), id: last.id })
      : null;
  return { attempts: page, nextCursor };
}
