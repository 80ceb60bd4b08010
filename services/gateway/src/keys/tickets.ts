import { randomBytes } from "node:crypto";
import type { JetStreamClient } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { Names } from "@taskjet/events";
import { type Config, isCasConflict } from "@taskjet/runtime";
import { z } from "zod";
import { hashKey, KeyId } from "./record.ts";

/** How long a WebSocket ticket may wait to be used. */
export const TICKET_TTL_MS = 60_000;

const Ticket = z.object({ keyId: KeyId, expiresAt: z.iso.datetime({ offset: true }) });

/**
 * Single-use WebSocket tickets, for clients that would rather not send the key on the socket: `POST /ws-tickets`
 * makes one, `/ws?ticket=…` spends it on any gateway. Kept in the KV bucket `<kvPrefix>_ws_tickets` under the
 * ticket's hash (a ticket travels in a URL, which may be logged: spent or expired, it is worth nothing). The
 * bucket drops entries after five minutes; spending one is a compare-and-set delete, so it works once.
 */
export function ticketStore(kv: KV, now: () => Date) {
  return {
    async issue(keyId: string): Promise<{ ticket: string; expiresAt: string }> {
      const ticket = randomBytes(24).toString("base64url");
      const expiresAt = new Date(now().getTime() + TICKET_TTL_MS).toISOString();
      await kv.create(hashKey(ticket), JSON.stringify({ keyId, expiresAt }));
      return { ticket, expiresAt };
    },
    /** The key id a ticket was issued to, once: null when it is unknown, spent or expired. */
    async spend(ticket: string): Promise<string | null> {
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(ticket)) return null;
      const id = hashKey(ticket);
      const entry = await kv.get(id);
      if (entry === null || entry.operation !== "PUT") return null;
      const parsed = Ticket.safeParse(entry.json());
      try {
        await kv.delete(id, { previousSeq: entry.revision });
      } catch (err) {
        if (isCasConflict(err)) return null;
        throw err;
      }
      if (!parsed.success || Date.parse(parsed.data.expiresAt) <= now().getTime()) return null;
      return parsed.data.keyId;
    },
  };
}
export type TicketStore = ReturnType<typeof ticketStore>;

export async function openTicketStore(
  js: JetStreamClient,
  names: Names,
  config: Pick<Config, "STREAM_REPLICAS">,
  now: () => Date,
): Promise<TicketStore> {
  const kv = await new Kvm(js).create(`${names.kvPrefix}_ws_tickets`, {
    history: 1,
    ttl: 5 * 60_000,
    replicas: config.STREAM_REPLICAS,
  });
  return ticketStore(kv, now);
}
