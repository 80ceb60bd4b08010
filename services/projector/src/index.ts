export { startProjector } from "./projector.ts";
export { rebuildReadModel } from "./rebuild.ts";
