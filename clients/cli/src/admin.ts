// keys (create/list/revoke over /admin/keys, an admin key needed) and schedules (list/get over /schedules).
import { parseArgs } from "node:util";
import type { CreateKeyBody } from "@taskjet/client";
import { keyRows, paint, scheduleRows } from "./format.ts";
import { EXIT, type Io, json, UsageError } from "./io.ts";

const KEYS_USAGE =
  "usage: taskjet keys create --tenant t --scopes tasks:read,tasks:write [--name n] [--expires-at iso]\n" +
  "       taskjet keys list\n" +
  "       taskjet keys revoke <key id>";

export async function keys(io: Io, args: string[]): Promise<number> {
  const [sub = "list", ...rest] = args;
  if (sub === "list") {
    const all = await io.client.keys.list();
    io.out(io.json ? json(all) : all.length === 0 ? "no keys" : keyRows(io.style, all));
    return EXIT.ok;
  }
  if (sub === "create") {
    const { values } = parseArgs({
      args: rest,
      options: {
        tenant: { type: "string" },
        scopes: { type: "string" },
        name: { type: "string" },
        "expires-at": { type: "string" },
        "requests-per-second": { type: "string" },
        "tasks-in-flight": { type: "string" },
      },
    });
    if (!values.tenant || !values.scopes) throw new UsageError(KEYS_USAGE);
    const body: CreateKeyBody = {
      tenant: values.tenant,
      scopes: values.scopes.split(",").map((s) => s.trim()) as CreateKeyBody["scopes"],
    };
    if (values.name) body.name = values.name;
    if (values["expires-at"]) body.expiresAt = values["expires-at"];
    const rps = values["requests-per-second"];
    const inFlight = values["tasks-in-flight"];
    if (rps || inFlight) {
      body.limits = {
        ...(rps ? { requestsPerSecond: Number(rps) } : {}),
        ...(inFlight ? { tasksInFlight: Number(inFlight) } : {}),
      };
    }
    const created = await io.client.keys.create(body);
    if (io.json) io.out(json(created));
    else {
      io.out(created.key);
      io.err(
        paint(
          io.style,
          "dim",
          `key ${created.id} for tenant ${created.tenant}: shown this once, only its hash is stored`,
        ),
      );
    }
    return EXIT.ok;
  }
  if (sub === "revoke") {
    const [id, ...extra] = rest;
    if (id === undefined || extra.length > 0) throw new UsageError(KEYS_USAGE);
    await io.client.keys.revoke(id);
    io.out(io.json ? json({ id, revoked: true }) : `revoked ${id}`);
    return EXIT.ok;
  }
  throw new UsageError(KEYS_USAGE);
}

export async function schedules(io: Io, args: string[]): Promise<number> {
  const [sub = "list", ...rest] = args;
  if (sub === "list" && rest.length === 0) {
    const all = await io.client.schedules.list();
    io.out(io.json ? json(all) : all.length === 0 ? "no schedules" : scheduleRows(io.style, all));
    return EXIT.ok;
  }
  if (sub === "get" && rest.length === 1 && rest[0]) {
    const one = await io.client.schedules.get(rest[0]);
    io.out(json(one));
    return EXIT.ok;
  }
  throw new UsageError("usage: taskjet schedules [list] | taskjet schedules get <schedule id>");
}
