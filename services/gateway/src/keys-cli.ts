// `npm run keys -- create|list|revoke`: API keys, straight in the deployment's NATS KV bucket (no gateway
// needed), with the same module the gateway uses. Prints JSON; a created key is shown this once.
import { namesFor } from "@taskjet/events";
import { connectNats, createLogger, loadConfig } from "@taskjet/runtime";
import { runKeysCommand, UsageError } from "./keys/cli.ts";
import { openKeyStore } from "./keys/store.ts";

const config = loadConfig();
const log = createLogger("keys", { LOG_LEVEL: "warn" });
const { nc, js } = await connectNats(config, log, "taskjet-keys");
try {
  const store = await openKeyStore(js, namesFor(config.TASKJET_NAMESPACE), config);
  const out = await runKeysCommand(process.argv.slice(2), store, new Date());
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (out && typeof out === "object" && "key" in out) {
    process.stderr.write("The key is shown this once: only its hash is stored.\n");
  }
} catch (err) {
  process.stderr.write(`${err instanceof UsageError ? err.message : String(err)}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
} finally {
  await nc.close();
}
