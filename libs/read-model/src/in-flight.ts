import { ACTIVE_STATUSES } from "@taskjet/events";
import type { Db } from "./schema.ts";

/**
 * How many of a tenant's tasks are in flight (submitted and not yet completed, failed or cancelled), counting
 * as well those of `recentIds` (tasks just accepted) that the read model has no row for yet: the projector
 * has not caught up with them. Also says which of `recentIds` it has rows for, so the caller can forget them.
 * Served by the (tenant, status) index; the in-flight rows are few where a quota holds them down.
 */
export async function countInFlight(
  db: Db,
  tenant: string,
  recentIds: readonly string[],
): Promise<{ count: number; projected: string[] }> {
  const [active, known] = await Promise.all([
    db
      .selectFrom("tasks")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("tenant", "=", tenant)
      .where("status", "in", ACTIVE_STATUSES)
      .executeTakeFirstOrThrow(),
    recentIds.length === 0
      ? Promise.resolve([])
      : db.selectFrom("tasks").select("id").where("id", "in", recentIds).execute(),
  ]);
  const projected = known.map((r) => r.id);
  return { count: Number(active.n) + recentIds.length - projected.length, projected };
}
