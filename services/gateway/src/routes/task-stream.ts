import { isTerminal, type TaskState } from "@taskjet/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody, TaskParams } from "../api-schemas.ts";
import { resolveBodies } from "../bodies.ts";
import type { GatewayDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { deltaAfter, deltaEventId, parseDeltaEventId, sseFrame } from "../sse.ts";
import { readTask } from "../task-reader.ts";
import { toResource } from "../task-view.ts";
import type { Hub, Listener } from "../ws/hub.ts";
import { followOutput } from "../ws/output-follower.ts";

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;
/** How long a finished task's stream waits for output deltas still on their way before it ends without them. */
const OUTPUT_TAIL_MS = 5000;

/**
 * GET /tasks/:id/stream: one task over Server-Sent Events, for clients without a WebSocket (`curl -N`). The task
 * as it is, then every change the read model commits (`event: task`), the output as it is generated, the output
 * so far first (`event: delta`, each with an id), and `event: end` once the task is finished, after its last
 * delta. A reconnect with `Last-Event-ID` gets the task again and only the deltas after that id.
 */
export const taskStreamRoutes =
  (deps: GatewayDeps, hub: Hub): FastifyPluginAsyncZod =>
  async (app) => {
    const open = new Set<() => void>();
    app.addHook("onClose", async () => {
      for (const end of [...open]) end();
    });

    app.get(
      "/tasks/:id/stream",
      {
        schema: {
          summary: "Follow a task over Server-Sent Events",
          description:
            "`text/event-stream`: `event: task` (the task resource) now and on every change, `event: delta` " +
            "(an output delta; its `id` is `<gen>.<attempt>.<index>`), and `event: end` when the task is " +
            "finished. Send `Last-Event-ID` to resume after a delta. `curl -N <url>` follows it.",
          tags: ["tasks"],
          params: TaskParams,
          headers: z.looseObject({ "last-event-id": z.string().max(40).optional() }),
          response: { 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const { tenant } = req.principal;
        const id = req.params.id;
        const after = parseDeltaEventId(req.headers["last-event-id"]);
        // Listening before the read, so a version committed in between is not missed; it waits for the first.
        let started = false;
        const early: TaskState[] = [];
        const listener: Listener = {
          wants: (taskId, taskTenant) => !ended && taskId === id && taskTenant === tenant,
          pushTask: (state) => (started ? sendTask(state) : early.push(state)),
        };
        let ended = false;
        hub.add(listener);
        let first: TaskState;
        try {
          // Another tenant's task is a 404 whatever the header says.
          first = (await readTask(deps, id, tenant)).state;
          if (after === "invalid") {
            throw new ApiError(400, "invalid_request", "Last-Event-ID: not an id this stream sent", [
              { path: "headers.last-event-id", message: "expected <gen>.<attempt>.<index>" },
            ]);
          }
        } catch (err) {
          hub.remove(listener);
          throw err;
        }

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, no-transform",
          connection: "keep-alive",
          "x-accel-buffering": "no",
        });
        const write = (frame: string) => {
          if (ended) return;
          if (res.writableLength > deps.config.WS_MAX_BUFFERED_BYTES) {
            req.log.warn({ taskId: id, buffered: res.writableLength }, "closing a slow Server-Sent Events client");
            end();
            return;
          }
          res.write(frame);
        };

        // The output deltas, and the sequence of the last one delivered: a finished task's stream ends after it.
        let deliveredSeq = 0;
        let caughtUp: (() => void) | null = null;
        const output = followOutput(deps.js, deps.names, deps.subjects, id, (d, seq) => {
          deliveredSeq = seq;
          if (d.ok && (after === null || deltaAfter(d.message, after))) {
            write(sseFrame("delta", d.message, deltaEventId(d.message)));
          }
          caughtUp?.();
        });
        output.catch((err: unknown) => req.log.warn({ taskId: id, err }, "cannot follow a task's output"));
        /** Resolves once every delta stored before now has been delivered (or OUTPUT_TAIL_MS has passed). */
        async function outputDelivered() {
          const last = await deps.jsm.direct
            .getMessage(deps.names.outputStream, { last_by_subj: deps.subjects.output(id) })
            .catch(() => null);
          if (last === null || deliveredSeq >= last.seq) return;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, OUTPUT_TAIL_MS);
            caughtUp = () => {
              if (deliveredSeq < last.seq) return;
              clearTimeout(timer);
              resolve();
            };
          });
        }

        // Versions in order, each once, never an older one after a newer; a finished task's last, then the end.
        let newest = "";
        let sending = Promise.resolve();
        function sendTask(state: TaskState) {
          if (state.updatedAt < newest) return;
          newest = state.updatedAt;
          sending = sending
            .then(async () => {
              const finished = isTerminal(state.status);
              if (finished) await outputDelivered();
              write(sseFrame("task", toResource(await resolveBodies(deps, state))));
              if (finished) {
                write(sseFrame("end", { status: state.status }));
                end();
              }
            })
            .catch((err: unknown) => {
              req.log.warn({ taskId: id, err }, "a task's stored body could not be read; stream ended");
              end();
            });
        }

        const keepAlive = setInterval(() => write(": keep-alive\n\n"), KEEP_ALIVE_MS);
        function end() {
          if (ended) return;
          ended = true;
          hub.remove(listener);
          clearInterval(keepAlive);
          open.delete(end);
          void output.then((o) => o.stop()).catch(() => undefined);
          res.end();
        }
        open.add(end);
        res.on("close", end); // the client went away (or the response ended)
        started = true;
        sendTask(first);
        for (const state of early) sendTask(state);
      },
    );
  };
