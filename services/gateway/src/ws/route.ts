import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import { forbidden, unauthorized } from "../auth.ts";
import { resolveBodies } from "../bodies.ts";
import type { GatewayDeps } from "../deps.ts";
import type { ApiError } from "../errors.ts";
import type { Authenticator } from "../keys/authenticator.ts";
import type { TicketStore } from "../keys/tickets.ts";
import type { Principal } from "../principal.ts";
import type { Hub } from "./hub.ts";
import { followOutput } from "./output-follower.ts";
import { ClientMessage } from "./protocol.ts";
import { createSession, type Session } from "./session.ts";
import { snapshotAll, snapshotById } from "./snapshot.ts";

const PING_MS = 20_000;
/** A socket that has not authenticated by then is closed. */
const AUTH_WITHIN_MS = 10_000;
/** Close codes the console knows: authenticate (again), or this key may not do that. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

/** Sends the error and closes: nothing more is read from a socket refused its credentials. */
function refuse(socket: WebSocket, err: ApiError) {
  socket.send(JSON.stringify({ type: "error", error: { code: err.code, message: err.message } }));
  socket.close(err.status === 403 ? CLOSE_FORBIDDEN : CLOSE_UNAUTHORIZED, err.code);
}

/**
 * GET /ws: live tasks. A subscription sends a snapshot of each task first, then every change as the read
 * model gets it, then (for tasks named by id) the output as it is generated — the output so far first.
 * `/ws?taskId=<id>` subscribes at connect. A subscribe message names at most 1,000 ids, and a connection
 * follows at most WS_MAX_TASK_IDS (10,000 by default): beyond, the message is refused with `too_many_task_ids`.
 * With auth on, the socket is opened with a ticket (`/ws?ticket=…`, from POST /ws-tickets) or its first
 * message is `{"type":"auth","key":…}` — a key never travels in a URL; anything else first closes it (4401).
 * When the socket closes, the work queued for it stops.
 */
export async function registerWebSocket(
  app: FastifyInstance,
  deps: GatewayDeps,
  opts: { maxBufferedBytes: number; auth: Authenticator; tickets: TicketStore; hub: Hub },
) {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const { hub } = opts;

  // Each connection's queue of messages, until it has drained: closing the app stops them and waits for them.
  const queues = new Map<WebSocket, Promise<void>>();
  const sessions = new Map<Session, WebSocket>();
  // A socket whose key is revoked is closed as soon as this gateway hears of it.
  const stopListening = opts.auth.onChange((keyId) => {
    for (const [session, socket] of sessions) {
      if (session.keyId === keyId && !opts.auth.stillValid(keyId)) refuse(socket, unauthorized("revoked"));
    }
  });
  app.addHook("onClose", async () => stopListening());
  app.addHook("onClose", async () => {
    for (const session of sessions.keys()) await session.close();
    await Promise.allSettled([...queues.values()]);
  });

  app.get(
    "/ws",
    {
      websocket: true,
      schema: {
        summary: "Live tasks and output over WebSocket",
        tags: ["tasks"],
        querystring: z.object({ taskId: z.uuid().optional(), ticket: z.string().max(100).optional() }),
      },
    },
    (socket, req) => {
      // Set by the auth hook with auth off or a bearer header; else the ticket or the first message settles it.
      const query = req.query as { taskId?: string; ticket?: string };
      let session: Session | null = null;
      let refused = false;
      const start = (principal: Principal) => {
        if (!principal.scopes.includes("tasks:read")) {
          refused = true;
          return refuse(socket, forbidden("tasks:read"));
        }
        session = createSession({
          socket,
          tenant: principal.tenant,
          keyId: principal.keyId,
          maxBufferedBytes: opts.maxBufferedBytes,
          log: req.log,
          follow: (taskId, onDelta) => followOutput(deps.js, deps.names, deps.subjects, taskId, onDelta),
          resolve: (state) => resolveBodies(deps, state),
        });
        sessions.set(session, socket);
        hub.add(session);
      };
      const settled = req.principal as Principal | undefined;
      if (settled) start(settled);
      const authTimer = setTimeout(() => {
        if (session === null && !refused) refuse(socket, unauthorized("missing"));
      }, AUTH_WITHIN_MS);

      let alive = true;
      const ping = setInterval(() => {
        if (!alive) return socket.terminate();
        // A key revoked or expired since the socket authenticated stops it here.
        const keyId = session?.keyId;
        if (keyId && !opts.auth.stillValid(keyId)) return refuse(socket, unauthorized("revoked"));
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
        queues.set(socket, queue);
      };
      socket.on("close", () => {
        clearInterval(ping);
        clearTimeout(authTimer);
        if (session) {
          hub.remove(session);
          sessions.delete(session);
          void session.close();
        }
        void queue.then(() => queues.delete(socket));
      });
      const sendError = (code: string, message: string, details?: unknown) =>
        socket.send(JSON.stringify({ type: "error", error: { code, message, ...(details ? { details } : {}) } }));

      const authenticate = async (result: Awaited<ReturnType<Authenticator["authenticate"]>>) => {
        if ("refused" in result) {
          refused = true;
          return refuse(socket, unauthorized(result.refused));
        }
        start(result.principal);
        if (session === null) return;
        session.send({ type: "authenticated", tenant: result.principal.tenant, keyId: result.principal.keyId });
        if (query.taskId) await handle(JSON.stringify({ type: "subscribe", taskIds: [query.taskId] }));
      };

      const handle = async (raw: string) => {
        if (refused || session?.closed) return;
        let parsed: ClientMessage;
        try {
          parsed = ClientMessage.parse(JSON.parse(raw));
        } catch (err) {
          const message = err instanceof z.ZodError ? z.prettifyError(err) : "not JSON";
          if (session === null) {
            refused = true;
            return refuse(socket, unauthorized("missing"));
          }
          session.send({ type: "error", error: { code: "invalid_message", message } });
          return;
        }
        if (parsed.type === "auth") {
          // With auth off a client that sends its key anyway (the console keeps one) is simply told who it is.
          if (session?.keyId === null)
            return session.send({ type: "authenticated", tenant: session.tenant, keyId: null });
          if (session !== null) return sendError("invalid_message", "this socket is already authenticated");
          return authenticate(await opts.auth.authenticate(parsed.key));
        }
        if (session === null) {
          refused = true;
          return refuse(socket, unauthorized("missing"));
        }
        const s: Session = session;
        const ids = parsed.taskIds ?? [];
        const everything = parsed.all === true;
        if (parsed.type === "unsubscribe") return s.unsubscribe(ids, everything);
        if (ids.length === 0 && !everything) {
          s.send({ type: "error", error: { code: "invalid_message", message: "subscribe to taskIds or all" } });
          return;
        }
        const max = deps.config.WS_MAX_TASK_IDS;
        if (s.followedIds + s.newIds(ids) > max) {
          const message = `a connection follows at most ${max} task ids (it follows ${s.followedIds}); unsubscribe some first`;
          s.send({ type: "error", error: { code: "too_many_task_ids", message, details: { max } } });
          return;
        }
        s.subscribe(ids, everything);
        s.send({ type: "subscribed", taskIds: ids, all: everything });
        await snapshotById(deps, s, ids);
        if (everything) await snapshotAll(deps, s, parsed.since);
      };
      socket.on("message", (data: Buffer) => enqueue(() => handle(data.toString())));
      if (session === null && query.ticket !== undefined) {
        const ticket = query.ticket;
        enqueue(async () => {
          const keyId = await opts.tickets.spend(ticket);
          await authenticate(keyId === null ? { refused: "unknown" } : await opts.auth.byId(keyId));
        });
      }
      // Subscribed at once when the socket is already authenticated, else once it is.
      if (session !== null && query.taskId) {
        const first = query.taskId;
        enqueue(() => handle(JSON.stringify({ type: "subscribe", taskIds: [first] })));
      }
    },
  );
}
