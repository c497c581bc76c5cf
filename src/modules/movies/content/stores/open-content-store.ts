import type { ContentConfig } from "../../../../config/content-config.ts";
import type { ContentStore } from "./content-store.ts";
import { FileContentStore } from "./file-content-store.ts";
import { S3ContentStore } from "./s3-content-store.ts";

/** The configured content store: the S3 bucket when one is set, else files under the data dir. `now` signs URLs at another time (tests). */
export function openContentStore(config: Pick<ContentConfig, "store" | "publicUrl">, now?: () => Date): ContentStore {
  const store = config.store;
  return store.kind === "s3"
    ? new S3ContentStore(store, now)
    : new FileContentStore({ dataDir: store.dataDir, urlKey: store.urlKey, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), ...(now ? { now } : {}) });
}
