export { listenForCancellations } from "./cancellations.ts";
export { executorDurable, startExecutor } from "./executor.ts";
export type { ExecutorDeps } from "./on-task-queued.ts";
export { anthropicProvider } from "./providers/anthropic.ts";
export { fakeOutput, fakeProvider } from "./providers/fake.ts";
export { providerFromConfig, providersFromConfig } from "./providers/index.ts";
export { openaiProvider } from "./providers/openai.ts";
