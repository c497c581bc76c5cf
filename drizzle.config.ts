import { defineConfig } from "drizzle-kit";

// Every module owns its tables in `<module>.tables.ts`; migrations for all of them live in drizzle/.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/modules/*/*.tables.ts",
  out: "./drizzle",
});
