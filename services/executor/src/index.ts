export { listenForCancellations } from "./cancellations.ts";
export { startExecutor } from "./executor.ts";
export { fakeOutput, fakeProvider } from "./providers/fake.ts";
export { providerFromConfig } from "./providers/index.ts";
