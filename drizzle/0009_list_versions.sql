CREATE TABLE "movies"."list_versions" (
	"list" text PRIMARY KEY NOT NULL,
	"epoch" text DEFAULT md5(random()::text || clock_timestamp()::text) NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments"."list_versions" (
	"list" text PRIMARY KEY NOT NULL,
	"epoch" text DEFAULT md5(random()::text || clock_timestamp()::text) NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
