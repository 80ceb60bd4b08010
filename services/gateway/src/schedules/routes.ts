import { randomUUID } from "node:crypto";
import type { ScheduleRecord } from "@taskjet/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody } from "../api-schemas.ts";
import type { GatewayDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { IDEMPOTENCY_HEADER, type IdempotencyKeys } from "../idempotency.ts";
import { checkSchedule, newSchedule, patchedSchedule, toScheduleResource } from "./record.ts";
import { CreateScheduleBody, PatchScheduleBody, ScheduleParams, ScheduleResource } from "./schemas.ts";
import type { ScheduleStore } from "./store.ts";

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody };
const notFound = (id: string) => new ApiError(404, "not_found", `schedule ${id} not found`);
const settingsOf = (s: ScheduleRecord) => ({ cron: s.cron, timezone: s.timezone, startAt: s.startAt, endAt: s.endAt });

/** `/schedules`: recurring tasks, fired by the schedulers (read: tasks:read, write: tasks:write). */
export const scheduleRoutes =
  (deps: Pick<GatewayDeps, "config" | "now">, store: ScheduleStore, keys: IdempotencyKeys): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/schedules",
      {
        schema: {
          summary: "Create a schedule",
          description:
            "Submits `task` at every tick of `cron` in `timezone`, once per tick however many schedulers run. " +
            "Each firing is a task with `scheduleId` set (GET /tasks?scheduleId=). With an `Idempotency-Key` " +
            "header, repeating the request returns the same schedule.",
          tags: ["schedules"],
          body: CreateScheduleBody,
          response: { 201: ScheduleResource, ...errors, 409: ErrorBody, 422: ErrorBody },
        },
      },
      async (req, reply) => {
        const { body } = req;
        const { tenant, keyId } = req.principal;
        const key = keys.parseHeader(req.headers[IDEMPOTENCY_HEADER]);
        const now = deps.now();
        let record = newSchedule(body, { id: randomUUID(), tenant, issuedBy: keyId }, deps.config, now);
        // Checked before a key is claimed, so a refused request claims none.
        checkSchedule(settingsOf(record), body.task, deps.config, now);
        if (key !== null) {
          // Apart from tasks' keys: a header key is printable ASCII, so it never holds a NUL.
          const claim = await keys.claim(tenant, `\0schedule\0${key}`, { schedule: body }, record.id);
          if (claim.replay) {
            const existing = await store.find(claim.taskId, tenant);
            if (existing === "deleted") {
              throw new ApiError(
                409,
                "schedule_deleted",
                `this Idempotency-Key made schedule ${claim.taskId}, since deleted`,
              );
            }
            // Claimed but never stored (a crash in between): stored now, under the claimed id.
            record = existing ?? { ...record, id: claim.taskId };
          }
        }
        const stored = await store.create(record);
        if (!stored.created) reply.header("idempotent-replayed", "true");
        return reply
          .status(201)
          .header("location", `/schedules/${stored.record.id}`)
          .send(toScheduleResource(stored.record, deps.now()));
      },
    );

    app.get(
      "/schedules",
      {
        schema: {
          summary: "List schedules",
          description: "The caller's schedules, oldest first, each with its next runs and its last firing.",
          tags: ["schedules"],
          response: { 200: z.object({ schedules: z.array(ScheduleResource) }), ...errors },
        },
      },
      async (req) => {
        const now = deps.now();
        return { schedules: (await store.list(req.principal.tenant)).map((s) => toScheduleResource(s, now)) };
      },
    );

    app.get(
      "/schedules/:id",
      {
        schema: {
          summary: "Get a schedule",
          tags: ["schedules"],
          params: ScheduleParams,
          response: { 200: ScheduleResource, ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        const s = await store.get(req.params.id, req.principal.tenant);
        if (s === null) throw notFound(req.params.id);
        return toScheduleResource(s, deps.now());
      },
    );

    app.patch(
      "/schedules/:id",
      {
        schema: {
          summary: "Change a schedule",
          description:
            "Changes the fields given. `paused: true` pauses it, `paused: false` resumes it (the ticks of the " +
            "pause are not caught up); a new cron, time zone or start counts from now.",
          tags: ["schedules"],
          params: ScheduleParams,
          body: PatchScheduleBody,
          response: { 200: ScheduleResource, ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        const { id } = req.params;
        const changed = await store.change(id, req.principal.tenant, (s) => {
          const next = patchedSchedule(s, req.body, req.principal.keyId, deps.config, deps.now());
          checkSchedule(settingsOf(next), req.body.task, deps.config);
          return next;
        });
        if (changed === null) throw notFound(id);
        return toScheduleResource(changed, deps.now());
      },
    );

    app.delete(
      "/schedules/:id",
      {
        schema: {
          summary: "Delete a schedule",
          description: "It fires no more; the tasks it fired stay, and keep running.",
          tags: ["schedules"],
          params: ScheduleParams,
          response: { 204: z.null().meta({ description: "deleted" }), ...errors, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        if (!(await store.remove(req.params.id, req.principal.tenant))) throw notFound(req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
