import { describe, expect, it } from "vitest";
import { createLogger } from "../../../adapters/logging/logger.ts";
import { runContentCleanup } from "./content-cleanup.ts";
import type { MovieContentService } from "./content.service.ts";

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("the clean-up of uploads never completed", () => {
  it("runs a full batch's next round at once, survives a failed round, and stops when told", async () => {
    const answers: Array<number | Error> = [100, 100, new Error("store away"), 3];
    const limits: number[] = [];
    const content = {
      removeExpiredUploads: async (limit: number) => {
        limits.push(limit);
        const next = answers.shift() ?? 0;
        if (next instanceof Error) throw next;
        return next;
      },
    } as unknown as MovieContentService;
    const worker = runContentCleanup(content, 0.01, createLogger("silent"));
    await until(() => limits.length >= 5);
    await worker.stop();
    const rounds = limits.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(limits.length).toBe(rounds);
    expect(new Set(limits)).toEqual(new Set([100]));
  });
});
