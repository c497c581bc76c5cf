import type { OpenAPIHono } from "@hono/zod-openapi";
import { monolithApp, moviesApp } from "./apps.ts";
import type { Platform } from "./platform.ts";

export interface Listener {
  name: string;
  port: number;
  app: OpenAPIHono;
}

/** Which apps a role serves and on which ports; PORT moves a single-role process only. */
export const roles = {
  "all-in-one": (p: Platform) => [
    { name: "monolith", port: p.config.ports.monolith, app: monolithApp(p) },
    { name: "movies", port: p.config.ports.movies, app: moviesApp(p) },
  ],
  monolith: (p: Platform) => [{ name: "monolith", port: p.config.port ?? p.config.ports.monolith, app: monolithApp(p) }],
  movies: (p: Platform) => [{ name: "movies", port: p.config.port ?? p.config.ports.movies, app: moviesApp(p) }],
} satisfies Record<string, (platform: Platform) => Listener[]>;

export type RoleName = keyof typeof roles;

export function isRoleName(value: string): value is RoleName {
  return Object.hasOwn(roles, value);
}
