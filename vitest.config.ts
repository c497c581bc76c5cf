import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    // PGlite and PostgreSQL start-up dominate; two cores run two files at once.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
