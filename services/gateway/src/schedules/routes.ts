import { randomUUID } from "node:crypto";
import type { ScheduleRecord } from "@taskjet/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody } from "../api-schemas.ts";
import type { GatewayDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { checkSchedule, newSchedule, patchedSchedule, toScheduleResource } from "./record.ts";
import { CreateScheduleBody, PatchScheduleBody, ScheduleParams, ScheduleResource } from "./schemas.ts";
import type { ScheduleStore } from "./store.ts";

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 503: ErrorBody };
const notFound = (id: string) => new ApiError(404, "not_found", `schedule ${id} not found`);
const settingsOf = (s: ScheduleRecord) => ({ cron: s.cron, timezone: s.timezone, startAt: s.startAt, endAt: s.endAt });

/** `/schedules`: recurring tasks, fired by the schedulers (read: tasks:read, write: tasks:write). */
export const scheduleRoutes =
  (deps: Pick<GatewayDeps, "config" | "now">, store: ScheduleStore): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/schedules",
      {
        schema: {
          summary: "Create a schedule",
          description:
            "Submits `task` at every tick of `cron` in `timezone`, once per tick however many schedulers run. " +
            "Each firing is a task with `scheduleId` set (GET /tasks?scheduleId=).",
          tags: ["schedules"],
          body: CreateScheduleBody,
          response: { 201: ScheduleResource, ...errors },
        },
      },
      async (req, reply) => {
        const body = req.body;
        const now = deps.now();
        const record = newSchedule(
          body,
          { id: randomUUID(), tenant: req.principal.tenant, issuedBy: req.principal.keyId },
          deps.config,
          now,
        );
        checkSchedule(settingsOf(record), body.task, deps.config, now);
        await store.create(record);
        return reply
          .status(201)
          .header("location", `/schedules/${record.id}`)
          .send(toScheduleResource(record, deps.now()));
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
