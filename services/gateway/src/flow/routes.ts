import type { KV } from "@nats-io/kv";
import { flowKeys, periodEnd, periodOf, type SpendPeriod, TenantFlow } from "@taskjet/events";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody } from "../api-schemas.ts";
import { TenantId } from "../keys/record.ts";
import type { FlowCache } from "./cache.ts";
import { readTenantFlow, readUsage, writeTenantFlow } from "./store.ts";

/** TenantFlow, refusing unknown fields at every level: a misspelt limit must not quietly mean "no limit". */
const TenantFlowBody = z
  .strictObject({
    ...TenantFlow.shape,
    spendLimit: z
      .strictObject(TenantFlow.shape.spendLimit.unwrap().shape)
      .default(TenantFlow.shape.spendLimit.parse(undefined)),
  })
  .meta({
    example: {
      weight: 2,
      maxConcurrent: 10,
      spendLimit: { dailyTokens: 1_000_000, monthlyTokens: null, dailyUsd: 25, monthlyUsd: 500 },
    },
  });

const PeriodUsage = z.object({
  period: z.string().meta({ description: "the UTC day `2026-11-26` or month `2026-11`" }),
  tokens: z.number().int().nonnegative().meta({ description: "input + output tokens of its finished calls" }),
  costUsd: z.number().nonnegative().meta({ description: "what those calls cost by the price table, USD" }),
  resetsAt: z.string().meta({ description: "when the period ends and its count starts again" }),
});

const TenantSettings = z
  .object({
    tenant: z.string(),
    weight: z.number(),
    maxConcurrent: z.number().int().nullable(),
    spendLimit: z.object({
      dailyTokens: z.number().int().nullable(),
      monthlyTokens: z.number().int().nullable(),
      dailyUsd: z.number().nullable(),
      monthlyUsd: z.number().nullable(),
    }),
    usage: z.object({ day: PeriodUsage, month: PeriodUsage }),
  })
  .meta({ id: "TenantSettings" });
type TenantSettings = z.infer<typeof TenantSettings>;

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const params = z.object({ tenant: TenantId });

/** `/admin/tenants/:tenant` (scope `admin`): a tenant's share of the model lanes, its cap and its spend limit. */
export const tenantRoutes =
  (deps: { kv: KV; flow: FlowCache; now: () => Date }): FastifyPluginAsyncZod =>
  async (app) => {
    async function view(tenant: string, settings: TenantFlow): Promise<TenantSettings> {
      const now = deps.now();
      const usage = async (period: SpendPeriod) => {
        const name = periodOf(period, now);
        return {
          period: name,
          ...(await readUsage(deps.kv, tenant, name)),
          resetsAt: periodEnd(period, now).toISOString(),
        };
      };
      const [day, month] = await Promise.all([usage("day"), usage("month")]);
      return { tenant, ...settings, usage: { day, month } };
    }

    app.get(
      "/admin/tenants/:tenant",
      {
        schema: {
          summary: "A tenant's flow settings and spend",
          description:
            "Its weight in a lane's fair share, its cap on concurrent calls per lane, its spend limits in tokens " +
            "and in USD per UTC day and month (the defaults when never set), and what it has spent this day and " +
            "month in both.",
          tags: ["admin"],
          params,
          response: { 200: TenantSettings, ...errors },
        },
      },
      async (req) => view(req.params.tenant, await readTenantFlow(deps.kv, req.params.tenant)),
    );

    app.put(
      "/admin/tenants/:tenant",
      {
        schema: {
          summary: "Set a tenant's flow settings",
          description:
            "Replaces them whole (fields left out take their defaults). Every gateway and executor sees the " +
            "change within a second: raising a spend limit lets submits through again and releases held work.",
          tags: ["admin"],
          params,
          body: TenantFlowBody,
          response: { 200: TenantSettings, ...errors },
        },
      },
      async (req) => {
        const { tenant } = req.params;
        const settings = TenantFlow.parse(req.body);
        const revision = await writeTenantFlow(deps.kv, tenant, settings);
        deps.flow.apply(flowKeys.tenant(tenant), revision, settings);
        return view(tenant, settings);
      },
    );
  };
