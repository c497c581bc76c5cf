import { randomBytes } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, it } from "vitest";
import { contentContractSuite } from "./content.contract-suite.ts";

// `npm run test:s3` (scripts/minio.sh run) sets these for a real MinIO on 127.0.0.1.
const endpoint = process.env.S3_TEST_ENDPOINT;
const accessKeyId = process.env.S3_TEST_ACCESS_KEY_ID ?? "";
const secretAccessKey = process.env.S3_TEST_SECRET_ACCESS_KEY ?? "";

if (endpoint) {
  contentContractSuite("S3 (MinIO)", {
    env: async () => {
      const bucket = `cinemaabyss-test-${randomBytes(4).toString("hex")}`;
      const admin = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      admin.destroy();
      return { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey };
    },
  });
} else {
  describe("movie content on the S3 store", () => {
    it.skip("needs S3_TEST_ENDPOINT: run `npm run test:s3`", () => {});
  });
}
