CREATE SCHEMA "gateway";
--> statement-breakpoint
CREATE TABLE "gateway"."leader_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway"."rollouts" (
	"route" text PRIMARY KEY NOT NULL,
	"record" jsonb NOT NULL,
	"version" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway"."shadow_reports" (
	"route" text NOT NULL,
	"replica" text NOT NULL,
	"report" jsonb NOT NULL,
	CONSTRAINT "shadow_reports_route_replica_pk" PRIMARY KEY("route","replica")
);
--> statement-breakpoint
CREATE TABLE "gateway"."weight_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "gateway"."weight_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"route" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"percent" integer NOT NULL,
	"gradual" boolean NOT NULL,
	"by" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway"."window_counts" (
	"replica" text NOT NULL,
	"route" text NOT NULL,
	"side" text NOT NULL,
	"bucket" bigint NOT NULL,
	"requests" integer NOT NULL,
	"errors" integer NOT NULL,
	"latencies" jsonb NOT NULL,
	"shadow_compared" integer NOT NULL,
	"shadow_mismatched" integer NOT NULL,
	CONSTRAINT "window_counts_replica_route_side_bucket_pk" PRIMARY KEY("replica","route","side","bucket")
);
--> statement-breakpoint
CREATE INDEX "weight_history_route_idx" ON "gateway"."weight_history" USING btree ("route","id");--> statement-breakpoint
CREATE INDEX "window_counts_route_bucket_idx" ON "gateway"."window_counts" USING btree ("route","bucket");