import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../adapters/logging/logger.ts";
import { RouteRegistry } from "../routing/route-registry.ts";
import { RolloutController } from "./rollout-controller.ts";
import { RolloutMetrics } from "./rollout-metrics.ts";
import { RolloutPlan } from "./rollout-plan.ts";
import { MemoryRolloutStore, type StoredRollout } from "./rollout-store.ts";

/** A memory store whose next read waits until released, so a test can put a write inside it. */
class GatedStore extends MemoryRolloutStore {
  private gate: Promise<void> | undefined;
  private entered: (() => void) | undefined;

  /** Holds the next read; `reading` settles once it has begun, `open` lets it go on. */
  holdNextRead(): { reading: Promise<void>; open: () => void } {
    let open = () => {};
    this.gate = new Promise((resolve) => (open = resolve));
    const reading = new Promise<void>((resolve) => (this.entered = resolve));
    return { reading, open };
  }

  override async loadAll(): Promise<StoredRollout[]> {
    const gate = this.gate;
    if (gate) {
      this.gate = undefined;
      this.entered?.();
      await gate;
    }
    return super.loadAll();
  }
}

describe("the rollout report", () => {
  let controller: RolloutController | undefined;
  afterEach(async () => {
    await controller?.stop();
  });

  it("gives the weight of the record it reports, when a step is applied while it reads", async () => {
    const store = new GatedStore();
    const registry = new RouteRegistry([{ name: "movies", prefixes: ["/api/movies"], legacy: "monolith", service: "movies-service", percent: 0, gradual: true }]);
    controller = new RolloutController(store, registry, new Map(), new RolloutMetrics(new Registry()), createLogger("silent"), {
      replica: "a",
      // No tick during the test: only the admin calls below move the rollout.
      tickMs: 3_600_000,
      shadowMaxConcurrent: 1,
      shadowTimeoutMs: 1_000,
    });
    const plan = RolloutPlan.parse({ steps: [{ percent: 30, duration: "1h" }, { percent: 100 }], analysis: { interval: "1h" } });
    await controller.start("movies", plan, "test");
    expect(await controller.report("movies")).toMatchObject({ state: "progressing", percent: 30 });

    // The report's read of the store is held; meanwhile another call promotes, applying 100 % here.
    const held = store.holdNextRead();
    const report = controller.report("movies");
    await held.reading;
    const promoting = controller.act("movies", "promote", "test");
    await new Promise((resolve) => setTimeout(resolve, 20));
    held.open();
    const [seen] = await Promise.all([report, promoting]);
    expect(seen).toMatchObject({ state: "promoted", percent: 100 });
  });
});
