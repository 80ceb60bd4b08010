import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{libs,services,tests}/**/*.spec.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    globalSetup: ["tests/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
