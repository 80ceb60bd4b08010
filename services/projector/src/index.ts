export { migrate } from "./migrate.ts";
export { projectBatch } from "./project-batch.ts";
export { startProjector } from "./projector.ts";
export { rebuildReadModel } from "./rebuild.ts";
