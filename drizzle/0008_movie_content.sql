CREATE TABLE "movies"."movie_content" (
	"id" uuid PRIMARY KEY NOT NULL,
	"movie_id" integer NOT NULL,
	"kind" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text,
	"status" text NOT NULL,
	"upload_expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "movie_content_size_positive" CHECK ("movies"."movie_content"."size" > 0)
);
--> statement-breakpoint
ALTER TABLE "movies"."movie_content" ADD CONSTRAINT "movie_content_movie_id_movies_id_fk" FOREIGN KEY ("movie_id") REFERENCES "movies"."movies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "movie_content_movie_idx" ON "movies"."movie_content" USING btree ("movie_id","status","kind");--> statement-breakpoint
CREATE INDEX "movie_content_pending_idx" ON "movies"."movie_content" USING btree ("upload_expires_at") WHERE "movies"."movie_content"."status" = 'pending';