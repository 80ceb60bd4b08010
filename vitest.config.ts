import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", "**/dist/**"];

/**
 * Files that run whole systems of processes, kill them, restart servers or time them against the provider's
 * windows: run one at a time, after everything else, so no other file's load bends what they check.
 */
const alone = [
  "tests/{chaos,cluster,faults,flow}/**/*.spec.ts",
  "services/executor/src/{processes,flow-load}.int.spec.ts",
  "services/projector/src/{processes,faults}.int.spec.ts",
  "services/scheduler/src/{instances,server-restart,schedules}.int.spec.ts",
  "services/gateway/src/keys-watch.int.spec.ts",
];

export default defineConfig({
  // Workspaces that publish built files (clients/*) are tested from their source, never from a stale dist. Not
  // Vite's default server conditions: their `module` picks packages' extensionless ESM builds (OpenTelemetry's),
  // which Node then cannot load.
  ssr: { resolve: { conditions: ["@taskjet/source", "node", "development|production"] } },
  test: {
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      // Pure functions: no server is needed, so `npm run test:unit` runs with NATS and Postgres stopped.
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{clients,libs,services,tools,web}/**/*.unit.spec.ts"],
          exclude,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      // Each file isolates itself (its own namespace and schema), so two run side by side.
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{clients,libs,services,tests,tools}/**/*.spec.ts"],
          exclude: [...exclude, "**/*.unit.spec.ts", ...alone],
          globalSetup: ["tests/global-setup.ts"],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "alone",
          include: alone,
          exclude,
          globalSetup: ["tests/global-setup.ts"],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
