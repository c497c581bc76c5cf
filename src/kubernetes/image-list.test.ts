import "reflect-metadata";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../config/config.ts";
import { moduleRegistry } from "../modules/registry.ts";
import { rolesOf } from "../roles/roles.ts";

// The Dockerfile, the workflow and build.mjs list roles and ports by hand (they cannot import the registry); a role added to the code but not
// to them ships without an image (auth once did). Hermetic: reads files only, no docker needed.
const defaults = loadConfig({}, moduleRegistry);
const roleNames = Object.keys(rolesOf(defaults)).sort();
const defaultPorts = [defaults.gateway.port, defaults.monolithPort, ...defaults.modules.map((m) => m.port)].sort((a, b) => a - b);

describe("container images", () => {
  it("are built by the workflow for every role", () => {
    const workflow = parseYaml(readFileSync(".github/workflows/ci.yml", "utf8"));
    expect([...workflow.jobs.images.strategy.matrix.role].sort()).toEqual(roleNames);
  });

  it("EXPOSE every role's default port", () => {
    const expose = readFileSync("Dockerfile", "utf8").match(/^EXPOSE (.+)$/m)?.[1] ?? "";
    expect(expose.split(/\s+/).map(Number).sort((a, b) => a - b)).toEqual(defaultPorts);
  });

  it("are listed, every role, in the Dockerfile's comment", () => {
    const listed = readFileSync("Dockerfile", "utf8").match(/^# Roles: (.+)\.$/m)?.[1] ?? "";
    const names = listed.split(",").map((name) => name.trim().replace(/ \(.*\)$/, ""));
    expect(names.sort()).toEqual(roleNames);
  });

  it("have a bundle each, built by build.mjs", () => {
    const listed = readFileSync("build.mjs", "utf8").match(/^export const bundledRoles = \[(.+)\];$/m)?.[1] ?? "";
    expect(listed.split(",").map((name) => name.trim().replace(/"/g, "")).sort()).toEqual(roleNames);
  });
});
