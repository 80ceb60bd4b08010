import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", "**/dist/**"];

export default defineConfig({
  test: {
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      // Pure functions: no server is needed, so `npm run test:unit` runs with NATS and Postgres stopped.
      { extends: true, test: { name: "unit", include: ["{libs,services,tools}/**/*.unit.spec.ts"], exclude } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{libs,services,tests,tools}/**/*.spec.ts"],
          exclude: [...exclude, "**/*.unit.spec.ts"],
          globalSetup: ["tests/global-setup.ts"],
        },
      },
    ],
  },
});
