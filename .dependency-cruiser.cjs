// The import rules that keep modules extractable and the gateway free of domain and database code
// (../shared/ARCHITECTURE.md, "Rules that keep it extractable"). Checked by scripts/boundaries.test.ts
// in `npm test`, or by hand: `npx depcruise src`.
// Each exception below says why it is allowed; add one only with a reason.

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "adapters-not-modules",
      comment: "src/adapters is technology shared by modules: it must not know any module, or it could not be shared.",
      severity: "error",
      // Exception: the outbox tests drive the relay into the events module's consumer and DLQ
      // topics, end to end; tests are never bundled into a role, so the adapter stays shareable.
      from: { path: "^src/adapters/", pathNot: "^src/adapters/outbox/[^/]+\\.test\\.ts$" },
      to: { path: "^src/modules/" },
    },
    {
      name: "proxy-not-modules",
      comment: "The gateway knows routes, targets and policies, never a domain module.",
      severity: "error",
      from: { path: "^src/proxy/" },
      to: { path: "^src/modules/" },
    },
    {
      name: "proxy-no-database",
      comment: "The gateway's routing knows no database: only its rollout store (its own gateway schema) may reach one.",
      severity: "error",
      from: { path: "^src/proxy/", pathNot: "^src/proxy/rollout/(gateway\\.tables|database-rollout-store)\\.ts$" },
      // Resolved into node_modules, or by bare name when a package is not installed where cruised.
      to: { path: ["^src/adapters/db/", "(^|/)node_modules/(drizzle-orm|pg|@electric-sql/pglite)/", "^(drizzle-orm|pg|@electric-sql/pglite)(/|$)"] },
    },
    {
      name: "module-through-index",
      comment: "A module reaches another module only through that module's index.ts, so its insides can move or split freely.",
      severity: "error",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/[^/]+/", pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/index\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
