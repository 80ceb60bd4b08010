import { namesFor, subjectsFor } from "@taskjet/events";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { connectNats } from "./nats.ts";
import { ensureStream, tasksStreamConfig } from "./provision.ts";
import { whenAvailable } from "./when-available.ts";

/**
 * What every service starts from: the deployment's names, a NATS connection (waited for while the server is
 * away) and the tasks stream made sure of.
 */
export async function connectService(config: Config, log: Logger, service: string) {
  const names = namesFor(config.TASKJET_NAMESPACE);
  const subjects = subjectsFor(names);
  const nats = await whenAvailable(config, log, () => connectNats(config, log, `taskjet-${service}`));
  await ensureStream(nats.jsm, tasksStreamConfig(names, config), log);
  return { names, subjects, ...nats };
}
