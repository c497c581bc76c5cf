import { availableParallelism } from "node:os";
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
      // The browser suites drive Debian's chromium, which a hermetic machine may lack: `npm run test:browser`.
      ...(process.env.BROWSER_TESTS ? [] : ["**/*.browser.test.ts"]),
      // The fault suite stops PostgreSQL and Kafka under the other suites' feet: `npm run test:faults` runs it alone.
      ...(process.env.FAULT_TESTS ? [] : ["**/*.faults.test.ts"]),
      // A real Kubernetes made by scripts/cluster.sh: `npm run test:cluster` runs them.
      ...(process.env.CLUSTER_TESTS ? [] : ["**/*.cluster.test.ts"]),
    ],
    // Builds the migrated PGlite template that in-memory test databases copy (src/testing/test-platform.ts).
    globalSetup: ["src/testing/memory-template.global-setup.ts"],
    // Two workers per core: the bundle, gateway and lock suites spend much of their time waiting on
    // child processes and timers, which other files' work fills (measured: 96 s with one per core,
    // 85 s with two, on 2 cores).
    maxWorkers: availableParallelism() * 2,
    // Worker threads start faster than child processes and, with isolate off, import hono, zod,
    // drizzle and PGlite once per worker instead of once per file. Isolation comes from the tests:
    // each platform has a database and a container of its own, and nothing is mocked.
    pool: "threads",
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
