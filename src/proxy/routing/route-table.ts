import { z } from "zod";

/** How much of a route's traffic the extracted service takes. */
export const RouteWeight = z
  .object(
    {
      percent: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(0, "must be from 0 to 100")
        .max(100, "must be from 0 to 100"),
      // false: the migration is finished and every request goes to the service.
      gradual: z.boolean({ error: "must be true or false" }),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(", ")}` : "must be a JSON object") },
  )
  .strict();
export type RouteWeight = z.infer<typeof RouteWeight>;

/** A change to a route's weight, from the admin API or the watched config file. */
export const RouteWeightChange = RouteWeight.partial().refine((w) => w.percent !== undefined || w.gradual !== undefined, {
  message: "give percent, gradual or both",
});
export type RouteWeightChange = z.infer<typeof RouteWeightChange>;

/** The watched file (YAML or JSON): `routes: { movies: { percent: 30 } }`. */
export const RouteTableFile = z
  .object({ routes: z.record(z.string(), RouteWeightChange, { error: "must map route names to {percent, gradual}" }) }, { error: "must be an object with a routes map" })
  .strict();
export type RouteTableFile = z.infer<typeof RouteTableFile>;

export interface RouteDefinition extends RouteWeight {
  name: string;
  /** Path prefixes matched on segment boundaries: `/api/movies` takes `/api/movies/7`, not `/api/moviesX`. */
  prefixes: readonly string[];
  /** The target that served this route before the migration: the monolith, or the only owner. */
  legacy: string;
  /** The extracted service's target; absent while the route has none. */
  service?: string;
}

export function matchesPrefix(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
