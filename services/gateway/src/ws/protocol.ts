import type { OutputDelta } from "@taskjet/events";
import { z } from "zod";
import type { TaskResource } from "../api-schemas.ts";

const TaskIds = z.array(z.uuid()).min(1).max(1000);

/** What a client may send on /ws. With auth on, `auth` comes first (unless the socket was opened with a ticket). */
export const ClientMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auth"), key: z.string().max(300) }),
  z.strictObject({
    type: z.literal("subscribe"),
    taskIds: TaskIds.optional(),
    all: z.literal(true).optional(),
    /** Resuming: with `all`, only tasks changed after this time are sent as the snapshot. */
    since: z.iso.datetime({ offset: true }).optional(),
  }),
  z.strictObject({ type: z.literal("unsubscribe"), taskIds: TaskIds.optional(), all: z.literal(true).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { type: "task"; task: TaskResource }
  | ({ type: "delta" } & OutputDelta)
  | { type: "subscribed"; taskIds: string[]; all: boolean }
  | { type: "authenticated"; tenant: string; keyId: string | null }
  | { type: "error"; error: { code: string; message: string; details?: unknown } };
