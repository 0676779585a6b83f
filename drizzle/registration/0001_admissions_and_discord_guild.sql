ALTER TABLE "registration_actions" ADD COLUMN "admission" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "registration_attendees" ADD COLUMN "admission" integer;--> statement-breakpoint
ALTER TABLE "registration_events" ADD COLUMN "discord_guild_id" text;--> statement-breakpoint
ALTER TABLE "registration_events" ADD COLUMN "admissions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written backfill: attendees admitted before this migration are numbered in the order they
-- were first seen (a running total of tickets), the events' counters continue from there, and
-- their action rows belong to that admission.
UPDATE "registration_attendees" AS a SET "admission" = n.adm
  FROM (SELECT "event_id", "external_id",
               sum("quantity") OVER (PARTITION BY "event_id" ORDER BY "first_seen_at", "external_id") AS adm
          FROM "registration_attendees" WHERE "active" OR "refunded_at" IS NOT NULL) AS n
 WHERE a."event_id" = n."event_id" AND a."external_id" = n."external_id";--> statement-breakpoint
UPDATE "registration_events" AS e SET "admissions" = coalesce(
  (SELECT max(a."admission") FROM "registration_attendees" AS a WHERE a."event_id" = e."id"), 0);--> statement-breakpoint
UPDATE "registration_actions" AS x SET "admission" = a."admission"
  FROM "registration_attendees" AS a
 WHERE a."event_id" = x."event_id" AND a."external_id" = x."external_id" AND a."admission" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "registration_actions" DROP CONSTRAINT "registration_actions_event_id_external_id_action_pk";--> statement-breakpoint
ALTER TABLE "registration_actions" ADD CONSTRAINT "registration_actions_event_id_external_id_action_admission_pk" PRIMARY KEY("event_id","external_id","action","admission");--> statement-breakpoint
CREATE UNIQUE INDEX "registration_attendees_admission_key" ON "registration_attendees" USING btree ("event_id","admission");--> statement-breakpoint
CREATE INDEX "registration_events_discord_guild_idx" ON "registration_events" USING btree ("discord_guild_id");
