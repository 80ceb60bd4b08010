import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayDeps } from "../deps.ts";
import { tenantOf } from "../tenant.ts";
import { createHub } from "./hub.ts";
import { followOutput } from "./output-follower.ts";
import { ClientMessage } from "./protocol.ts";
import { createSession, type Session } from "./session.ts";
import { snapshotAll, snapshotById } from "./snapshot.ts";

const PING_MS = 20_000;

/**
 * GET /ws: live tasks. A subscription sends a snapshot of each task first, then every change as the read
 * model gets it, then (for tasks named by id) the output as it is generated — the output so far first.
 * `/ws?taskId=<id>` subscribes at connect. A subscribe message names at most 1,000 ids, and a connection
 * follows at most WS_MAX_TASK_IDS (10,000 by default): beyond, the message is refused with `too_many_task_ids`.
 * When the socket closes, the work queued for it stops.
 */
export async function registerWebSocket(app: FastifyInstance, deps: GatewayDeps, opts: { maxBufferedBytes: number }) {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const hub = createHub(deps, app.log);
  app.addHook("onClose", async () => hub.close());

  // Each connection's queue of messages, until it has drained: closing the app stops them and waits for them.
  const queues = new Map<Session, Promise<void>>();
  app.addHook("onClose", async () => {
    for (const session of queues.keys()) await session.close();
    await Promise.allSettled([...queues.values()]);
  });

  app.get(
    "/ws",
    {
      websocket: true,
      schema: {
        summary: "Live tasks and output over WebSocket",
        tags: ["tasks"],
        querystring: z.object({ taskId: z.uuid().optional() }),
      },
    },
    (socket, req) => {
      let tenant: string;
      try {
        tenant = tenantOf(req);
      } catch (err) {
        socket.send(
          JSON.stringify({ type: "error", error: { code: "invalid_tenant", message: (err as Error).message } }),
        );
        socket.close(1008, "invalid tenant");
        return;
      }
      const session = createSession({
        socket,
        tenant,
        maxBufferedBytes: opts.maxBufferedBytes,
        log: req.log,
        follow: (taskId, onDelta) => followOutput(deps.js, deps.names, deps.subjects, taskId, onDelta),
      });
      hub.add(session);
      let alive = true;
      const ping = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, PING_MS);
      socket.on("pong", () => {
        alive = true;
      });
      // Messages are handled one after another, so a snapshot is always sent before what follows it.
      let queue = Promise.resolve();
      const enqueue = (work: () => Promise<void>) => {
        queue = queue.then(work).catch((err: unknown) => req.log.warn({ err }, "ws message failed"));
        queues.set(session, queue);
      };
      socket.on("close", () => {
        clearInterval(ping);
        hub.remove(session);
        void session.close();
        void queue.then(() => queues.delete(session));
      });
      const handle = async (raw: string) => {
        if (session.closed) return;
        let parsed: ClientMessage;
        try {
          parsed = ClientMessage.parse(JSON.parse(raw));
        } catch (err) {
          const message = err instanceof z.ZodError ? z.prettifyError(err) : "not JSON";
          session.send({ type: "error", error: { code: "invalid_message", message } });
          return;
        }
        const ids = parsed.taskIds ?? [];
        const everything = parsed.all === true;
        if (parsed.type === "unsubscribe") return session.unsubscribe(ids, everything);
        if (ids.length === 0 && !everything) {
          session.send({ type: "error", error: { code: "invalid_message", message: "subscribe to taskIds or all" } });
          return;
        }
        const max = deps.config.WS_MAX_TASK_IDS;
        if (session.followedIds + session.newIds(ids) > max) {
          const message = `a connection follows at most ${max} task ids (it follows ${session.followedIds}); unsubscribe some first`;
          session.send({ type: "error", error: { code: "too_many_task_ids", message, details: { max } } });
          return;
        }
        session.subscribe(ids, everything);
        session.send({ type: "subscribed", taskIds: ids, all: everything });
        await snapshotById(deps, session, ids);
        if (everything) await snapshotAll(deps, session, parsed.since);
      };
      socket.on("message", (data: Buffer) => enqueue(() => handle(data.toString())));
      const first = (req.query as { taskId?: string }).taskId;
      if (first) enqueue(() => handle(JSON.stringify({ type: "subscribe", taskIds: [first] })));
    },
  );
}
