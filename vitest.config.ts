import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    // The deployment suites need helm (built once by scripts/helm.sh) and docker-compose:
    // `npm run test:chart` runs them.
    exclude: ["**/node_modules/**", ...(process.env.HELM_TESTS ? [] : ["**/*.helm.test.ts", "**/*.tools.test.ts"])],
    // Builds the migrated PGlite template that in-memory test databases copy (src/testing/test-platform.ts).
    globalSetup: ["src/testing/memory-template.global-setup.ts"],
    // PGlite and PostgreSQL start-up dominate; two cores run two files at once.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
