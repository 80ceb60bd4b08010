// `npm run migrate`, and the deployments' migration step (compose's `migrate` service, Kubernetes' `migrate` Job):
// brings the read model's schema up to date, then exits. Every service that uses the read model migrates at start
// as well, under the same advisory lock, so whichever runs first does the work and the others find nothing to do.
import { namesFor } from "@taskjet/events";
import { createLogger, loadConfig, runMain } from "@taskjet/runtime";
import { openReadModel } from "./open-read-model.ts";

const config = loadConfig();
const log = createLogger("migrate", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  const db = await openReadModel(config, names, log, "migrate");
  await db.destroy();
  log.info({ schema: names.schema }, "read model schema up to date");
});
