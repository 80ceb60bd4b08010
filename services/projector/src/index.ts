export { startHistoryPurge } from "./history-purge.ts";
export { startProjector } from "./projector.ts";
export { rebuildReadModel } from "./rebuild.ts";
