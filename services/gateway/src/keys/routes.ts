import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody } from "../api-schemas.ts";
import { ApiError } from "../errors.ts";
import { SCOPES } from "../principal.ts";
import { KeyId, type KeyRecord, TenantId, toView } from "./record.ts";
import type { KeyStore } from "./store.ts";
import type { TicketStore } from "./tickets.ts";

const iso = z.iso.datetime({ offset: true });

const CreateKeyBody = z
  .strictObject({
    tenant: TenantId,
    scopes: z.array(z.enum(SCOPES)).min(1),
    name: z.string().min(1).max(200).optional(),
    expiresAt: iso.optional(),
    limits: z
      .strictObject({
        requestsPerSecond: z.number().positive().optional(),
        tasksInFlight: z.number().int().positive().optional(),
      })
      .optional(),
  })
  .meta({ example: { tenant: "acme", scopes: ["tasks:read", "tasks:write"], name: "acme's backend" } });

const ApiKey = z
  .object({
    id: z.string(),
    tenant: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    name: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().meta({ description: "written back at most once a minute" }),
    limits: z.object({ requestsPerSecond: z.number().nullable(), tasksInFlight: z.number().nullable() }),
  })
  .meta({ id: "ApiKey" });
const CreatedKey = ApiKey.extend({
  key: z.string().meta({ description: "the key itself: shown this once, stored only as a hash" }),
}).meta({ id: "CreatedApiKey" });

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

/** `/admin/keys` (scope `admin`) and `POST /ws-tickets` (any key that may read tasks). */
export const keyRoutes =
  (deps: { keys: KeyStore; tickets: TicketStore; now: () => Date }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/admin/keys",
      {
        schema: {
          summary: "Create an API key",
          description: "The answer carries `key`, the only time it is shown: the gateway keeps only its hash.",
          tags: ["admin"],
          body: CreateKeyBody,
          response: { 201: CreatedKey, ...errors },
        },
      },
      async (req, reply) => {
        const { expiresAt } = req.body;
        if (expiresAt !== undefined && Date.parse(expiresAt) <= deps.now().getTime()) {
          throw new ApiError(400, "invalid_request", "expiresAt must lie in the future");
        }
        const { record, key } = await deps.keys.create(req.body, deps.now());
        return reply.status(201).send({ ...toView(record), key });
      },
    );

    app.get(
      "/admin/keys",
      {
        schema: {
          summary: "List API keys",
          description: "Every key, revoked and expired ones too, oldest first; never the key or its hash.",
          tags: ["admin"],
          response: { 200: z.object({ keys: z.array(ApiKey) }), ...errors },
        },
      },
      async () => ({ keys: (await deps.keys.list()).map(toView) }),
    );

    app.delete(
      "/admin/keys/:id",
      {
        schema: {
          summary: "Revoke an API key",
          description: "Every gateway refuses it within a second. Revoking a revoked key changes nothing.",
          tags: ["admin"],
          params: z.object({ id: KeyId }),
          response: { 200: ApiKey, ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        const record: KeyRecord | null = await deps.keys.revoke(req.params.id, deps.now());
        if (record === null) throw new ApiError(404, "not_found", `no API key ${req.params.id}`);
        return toView(record);
      },
    );

    app.post(
      "/ws-tickets",
      {
        schema: {
          summary: "A ticket to open /ws with",
          description:
            "For a WebSocket client that would rather not send its key on the socket: open `/ws?ticket=…` " +
            "within 60 seconds, on any gateway. A ticket works once and acts as the key that asked for it.",
          tags: ["tasks"],
          response: { 201: z.object({ ticket: z.string(), expiresAt: z.string() }), ...errors },
        },
      },
      async (req, reply) => {
        const { keyId } = req.principal;
        if (keyId === null) throw new ApiError(400, "auth_off", "auth is off: open /ws without a ticket");
        return reply.status(201).send(await deps.tickets.issue(keyId));
      },
    );
  };
