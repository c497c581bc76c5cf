-- Custom SQL migration file, put your code below! --
-- A whole list's version moves in the same transaction as every write to its tables, whoever
-- writes (any replica, any process, psql): a cache that reads the version before serving never
-- serves a list older than the last commit. Statement-level: one bump per statement, not per row.
CREATE FUNCTION "movies"."bump_list_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "movies"."list_versions" ("list", "version") VALUES (TG_ARGV[0], 1)
    ON CONFLICT ("list") DO UPDATE SET "version" = "movies"."list_versions"."version" + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
INSERT INTO "movies"."list_versions" ("list") VALUES ('movies');
--> statement-breakpoint
CREATE TRIGGER "list_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "movies"."movies" FOR EACH STATEMENT EXECUTE FUNCTION "movies"."bump_list_version"('movies');
--> statement-breakpoint
CREATE TRIGGER "list_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "movies"."movie_genres" FOR EACH STATEMENT EXECUTE FUNCTION "movies"."bump_list_version"('movies');
--> statement-breakpoint
CREATE TRIGGER "list_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "movies"."movie_content" FOR EACH STATEMENT EXECUTE FUNCTION "movies"."bump_list_version"('movies');
--> statement-breakpoint
CREATE FUNCTION "payments"."bump_list_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "payments"."list_versions" ("list", "version") VALUES (TG_ARGV[0], 1)
    ON CONFLICT ("list") DO UPDATE SET "version" = "payments"."list_versions"."version" + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
INSERT INTO "payments"."list_versions" ("list") VALUES ('payments'), ('subscriptions');
--> statement-breakpoint
CREATE TRIGGER "list_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "payments"."payments" FOR EACH STATEMENT EXECUTE FUNCTION "payments"."bump_list_version"('payments');
--> statement-breakpoint
CREATE TRIGGER "list_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "payments"."subscriptions" FOR EACH STATEMENT EXECUTE FUNCTION "payments"."bump_list_version"('subscriptions');
