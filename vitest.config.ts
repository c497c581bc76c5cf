import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    // The deployment suites need helm (built once by scripts/helm.sh) and docker-compose:
    // `npm run test:chart` runs them. The script suites start real servers and, under root, make
    // a system user and a copy in /var/cache, which the hermetic tier must not do:
    // `npm run test:pg-private-dir` runs them.
    exclude: [
      "**/node_modules/**",
      ...(process.env.HELM_TESTS ? [] : ["**/*.helm.test.ts", "**/*.tools.test.ts"]),
      ...(process.env.SERVER_SCRIPT_TESTS ? [] : ["scripts/**/*.servers.test.ts"]),
    ],
    // PGlite and PostgreSQL start-up dominate; two cores run two files at once.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
