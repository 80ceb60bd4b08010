import websocket from "@fastify/websocket";
import { TASK_STATUSES, TaskNotFoundError } from "@taskjet/events";
import { rowToState } from "@taskjet/runtime";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { GatewayDeps } from "../deps.ts";
import { readProjectedTask, tenantInStream } from "../task-reader.ts";
import { tenantOf } from "../tenant.ts";
import { createHub } from "./hub.ts";
import { followOutput } from "./output-follower.ts";
import { ClientMessage } from "./protocol.ts";
import { createSession, type Session } from "./session.ts";

const PING_MS = 20_000;
const ACTIVE = TASK_STATUSES.filter((s) => !["completed", "failed", "cancelled"].includes(s));

/**
 * GET /ws: live tasks. A subscription sends a snapshot of each task first, then every change as the read
 * model gets it, then (for tasks named by id) the output as it is generated — the output so far first.
 * `/ws?taskId=<id>` subscribes at connect.
 */
export async function registerWebSocket(app: FastifyInstance, deps: GatewayDeps, opts: { maxBufferedBytes: number }) {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const hub = createHub(deps, app.log);
  app.addHook("onClose", async () => hub.close());

  /**
   * A snapshot is what the read model has: a task it has not seen yet gets no snapshot, and its every version
   * follows from the projector's notices (the subscription is in place before this read, so none is missed).
   */
  async function snapshotById(session: Session, ids: string[]) {
    for (const id of ids) {
      const projected = await readProjectedTask(deps, id);
      const tenant = projected?.state.tenant ?? (await tenantInStream(deps, id));
      if (tenant !== session.tenant) {
        const err = new TaskNotFoundError(id);
        session.send({ type: "error", error: { code: "not_found", message: err.message, details: { taskId: id } } });
        session.unsubscribe([id], false);
      } else if (projected) {
        session.pushTask(projected.state, projected.seq);
      }
    }
  }

  async function snapshotAll(session: Session, since: string | undefined) {
    let q = deps.db.selectFrom("tasks").selectAll().where("tenant", "=", session.tenant);
    q = since ? q.where("updatedAt", ">", new Date(since)) : q.where("status", "in", ACTIVE);
    const rows = await q.orderBy("updatedAt", "asc").limit(500).execute();
    for (const row of rows) session.pushTask(rowToState(row), Number(row.seq));
  }

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
      socket.on("close", () => {
        clearInterval(ping);
        hub.remove(session);
        void session.close();
      });
      // Messages are handled one after another, so a snapshot is always sent before what follows it.
      let queue = Promise.resolve();
      const handle = async (raw: string) => {
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
        session.subscribe(ids, everything);
        session.send({ type: "subscribed", taskIds: ids, all: everything });
        await snapshotById(session, ids);
        if (everything) await snapshotAll(session, parsed.since);
      };
      socket.on("message", (data: Buffer) => {
        queue = queue
          .then(() => handle(data.toString()))
          .catch((err: unknown) => req.log.warn({ err }, "ws message failed"));
      });
      const first = (req.query as { taskId?: string }).taskId;
      if (first) queue = queue.then(() => handle(JSON.stringify({ type: "subscribe", taskIds: [first] })));
    },
  );
}
