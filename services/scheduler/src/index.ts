export { startScheduler } from "./scheduler.ts";
export { startWebhooks } from "./webhooks/start.ts";
