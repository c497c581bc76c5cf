import { describe, expect, it } from "vitest";
import { loadConfig as loadConfigOf } from "./config.ts";
import { moduleRegistry } from "../modules/registry.ts";

const loadConfig = (env: Record<string, string | undefined>) => loadConfigOf(env, moduleRegistry);
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("content configuration", () => {
  it("keeps content in files under the data dir by default, with URLs signed by a key of this process", () => {
    const { content } = loadConfig({});
    expect(content.store).toMatchObject({ kind: "filesystem", dataDir: ".data/content", ephemeralKey: true });
    expect(content.store.kind === "filesystem" && content.store.urlKey.length).toBeGreaterThanOrEqual(32);
    expect(content).toMatchObject({ publicUrl: undefined, uploadTtlSeconds: 900, downloadTtlSeconds: 300, cleanupIntervalSeconds: 60 });
    const key = "q3Vb8xL0pTz7mW2nRk9sYd4fHj6cGa1e";
    expect(loadConfig({ CONTENT_URL_KEY: key, CONTENT_PUBLIC_URL: "https://cinema.test/" }).content).toMatchObject({
      store: { urlKey: key, ephemeralKey: false },
      publicUrl: "https://cinema.test",
    });
  });

  it("uses the S3 bucket when S3_BUCKET is set, path-style unless told otherwise", () => {
    const { content } = loadConfig({ S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "cinema-content", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret" });
    expect(content.store).toEqual({
      kind: "s3",
      endpoint: "http://127.0.0.1:9000",
      bucket: "cinema-content",
      region: "us-east-1",
      credentials: { accessKeyId: "id", secretAccessKey: "secret" },
      forcePathStyle: true,
    });
    expect(loadConfig({ S3_BUCKET: "cinema-content", S3_FORCE_PATH_STYLE: "false", S3_REGION: "eu-west-1" }).content.store).toMatchObject({
      endpoint: undefined,
      credentials: undefined,
      forcePathStyle: false,
      region: "eu-west-1",
    });
  });

  it("names the variable of every S3 or key setting that cannot work", () => {
    expect(problems({ S3_ENDPOINT: "http://127.0.0.1:9000" })).toContain("S3_BUCKET: is required when S3_ENDPOINT is set");
    expect(problems({ S3_BUCKET: "b-1", S3_ACCESS_KEY_ID: "id" })).toContain("S3_SECRET_ACCESS_KEY: is required with the other S3 credential");
    expect(problems({ S3_BUCKET: "Not_A_Bucket" })).toContain("S3_BUCKET: must be an S3 bucket name");
    expect(problems({ S3_ENDPOINT: "minio:9000", S3_BUCKET: "b-1" })).toContain("S3_ENDPOINT: must be an http:// or https:// URL");
    expect(problems({ CONTENT_URL_KEY: "short" })).toContain("CONTENT_URL_KEY: must be at least 32 characters");
    expect(problems({ CONTENT_URL_KEY: "change-me-change-me-change-me-change-me" })).toContain("CONTENT_URL_KEY: holds a placeholder secret");
    expect(problems({ CONTENT_UPLOAD_TTL_SECONDS: "0" })).toContain("CONTENT_UPLOAD_TTL_SECONDS");
  });
});
