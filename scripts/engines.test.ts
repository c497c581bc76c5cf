import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

// `npm ci` only warns (EBADENGINE) when a package asks for a Node the machine does not run; this
// turns the same question into a failure for every Node the project says it supports, so a
// dependency bump that drops one of them is caught here, not in an image that will not start.
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[] }>;
};

describe("declared Node versions", () => {
  it("are a valid range", () => {
    expect(semver.validRange(pkg.engines.node)).not.toBeNull();
  });

  it("are accepted by every package in package-lock.json", () => {
    const refused = Object.entries(lock.packages)
      .filter(([path]) => path !== "")
      .flatMap(([path, entry]) => {
        // A few old packages wrote engines as an array, which npm ignores.
        const wanted = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
        return wanted && !semver.subset(pkg.engines.node, wanted) ? [`${path}@${entry.version}: node ${wanted}`] : [];
      });
    expect(refused, `package.json engines.node is "${pkg.engines.node}"`).toEqual([]);
  });

  it("include the Node running the tests", () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
