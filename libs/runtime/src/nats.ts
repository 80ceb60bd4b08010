import { readFileSync } from "node:fs";
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type ConnectionOptions, connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { InputLimits } from "@taskjet/events";
import type { Config } from "./config.ts";
import { type Logger, redactUrl } from "./logger.ts";

export type Nats = { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager };

export class DependencyUnavailableError extends Error {
  override name = "DependencyUnavailableError";
}

type NatsAuthConfig = Partial<Pick<Config, "NATS_USER" | "NATS_PASSWORD" | "NATS_TOKEN" | "NATS_CREDS">>;

/**
 * The connect options that carry the configured credentials: a creds file (a user JWT and its nkey seed, read
 * at each connect so a rotated file is picked up), a token, or a user and password; none when none is set.
 */
export function natsAuthOptions(config: NatsAuthConfig): Partial<ConnectionOptions> {
  if (config.NATS_CREDS !== undefined) {
    const path = config.NATS_CREDS;
    return { authenticator: credsAuthenticator(() => readFileSync(path)) };
  }
  if (config.NATS_TOKEN !== undefined) return { token: config.NATS_TOKEN };
  if (config.NATS_USER !== undefined) return { user: config.NATS_USER, pass: config.NATS_PASSWORD ?? "" };
  return {};
}

/**
 * Connects, says which server it reached, and refuses to go on without JetStream. The first connection
 * fails fast with the command that starts a server; once up, the client reconnects for ever.
 */
export async function connectNats(
  config: Pick<Config, "NATS_URL"> & NatsAuthConfig,
  log: Logger,
  name: string,
): Promise<Nats> {
  let nc: NatsConnection;
  const url = redactUrl(config.NATS_URL);
  try {
    nc = await connect({
      ...natsAuthOptions(config),
      servers: config.NATS_URL.split(","),
      name,
      timeout: 3000,
      maxReconnectAttempts: -1,
      // Capturing a stack for every request (each JetStream publish and direct get is one) was the largest
      // CPU cost per task in the executor and the scheduler (see docs/benchmarks.md).
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new DependencyUnavailableError(
      `cannot reach NATS at ${url} (${(err as Error).message}); start one with JetStream: ` +
        "nats-server -js -sd /tmp/nats  (or set NATS_URL)",
      { cause: err },
    );
  }
  const version = nc.info?.version ?? "unknown";
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close();
    throw new DependencyUnavailableError(`NATS ${version} at ${url} has no JetStream; start the server with -js`, {
      cause: err,
    });
  }
  log.info({ server: nc.getServer(), version }, "connected to NATS");
  return { nc, js: jetstream(nc), jsm };
}

/** How large a task's prompt may be here: the configured limit. */
export function inputLimits(config: Pick<Config, "MAX_PROMPT_CHARS">): InputLimits {
  return { maxPromptChars: config.MAX_PROMPT_CHARS };
}
