export { migrate } from "./migrate.ts";
export { startProjector } from "./projector.ts";
