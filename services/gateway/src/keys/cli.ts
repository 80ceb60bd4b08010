import { parseArgs } from "node:util";
import { SCOPES, type Scope } from "../principal.ts";
import { TenantId, toView } from "./record.ts";
import type { KeyStore } from "./store.ts";

export const USAGE = `usage:
  npm run keys -- create --tenant <tenant> --scopes tasks:read,tasks:write[,admin] [--name <name>]
                         [--expires-at <ISO-8601>] [--requests-per-second <n>] [--tasks-in-flight <n>]
  npm run keys -- list
  npm run keys -- revoke <id>`;

export class UsageError extends Error {
  override name = "UsageError";
}

const positive = (raw: string | undefined, flag: string) => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n > 0)) throw new UsageError(`${flag} must be a positive number`);
  return n;
};

function parseScopes(raw: string | undefined): Scope[] {
  const scopes = (raw ?? "").split(",").filter((s) => s !== "");
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || bad.length > 0) {
    throw new UsageError(
      `--scopes takes a comma-separated list of ${SCOPES.join(", ")}${bad.length ? `, not ${bad.join(", ")}` : ""}`,
    );
  }
  return scopes as Scope[];
}

function parseKeysArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      scopes: { type: "string" },
      name: { type: "string" },
      "expires-at": { type: "string" },
      "requests-per-second": { type: "string" },
      "tasks-in-flight": { type: "string" },
    },
  });
}

/** `npm run keys -- …`: what to print (JSON), given the arguments; a UsageError for arguments that make no sense. */
export async function runKeysCommand(argv: string[], store: KeyStore, now: Date): Promise<unknown> {
  let parsed: ReturnType<typeof parseKeysArgs>;
  try {
    parsed = parseKeysArgs(argv);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  switch (command) {
    case "create": {
      const tenant = TenantId.safeParse(values.tenant);
      if (!tenant.success) throw new UsageError("--tenant is 1–63 of a-z, 0-9 and '-', not starting with '-'");
      const expiresAt = values["expires-at"];
      if (expiresAt !== undefined && !(Date.parse(expiresAt) > now.getTime())) {
        throw new UsageError("--expires-at must be an ISO-8601 time in the future");
      }
      const { record, key } = await store.create(
        {
          tenant: tenant.data,
          scopes: parseScopes(values.scopes),
          name: values.name,
          expiresAt,
          limits: {
            requestsPerSecond: positive(values["requests-per-second"], "--requests-per-second"),
            tasksInFlight: positive(values["tasks-in-flight"], "--tasks-in-flight"),
          },
        },
        now,
      );
      return { ...toView(record), key };
    }
    case "list":
      return (await store.list()).map(toView);
    case "revoke": {
      const id = rest[0];
      if (id === undefined) throw new UsageError("revoke takes the key's id");
      const record = await store.revoke(id, now);
      if (record === null) throw new UsageError(`no API key ${id}`);
      return toView(record);
    }
    default:
      throw new UsageError(USAGE);
  }
}
