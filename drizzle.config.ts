import { defineConfig } from "drizzle-kit";

// Every module owns its tables in `<module>.tables.ts` (the outbox adapter and the gateway too); migrations for all live in drizzle/.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/{modules,adapters,proxy}/*/*.tables.ts",
  out: "./drizzle",
});
