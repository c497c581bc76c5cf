import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    // The chart suite needs helm, built once by scripts/helm.sh: `npm run test:chart` runs it.
    exclude: process.env.HELM_TESTS ? [] : ["**/node_modules/**", "**/*.helm.test.ts"],
    // PGlite and PostgreSQL start-up dominate; two cores run two files at once.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
