CREATE TABLE "registration_actions" (
	"event_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"action" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"detail" text,
	"claimed_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "registration_actions_event_id_external_id_action_pk" PRIMARY KEY("event_id","external_id","action")
);
--> statement-breakpoint
CREATE TABLE "registration_attendees" (
	"event_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"ticket_name" text NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"quantity" integer DEFAULT 1 NOT NULL,
	"active" boolean NOT NULL,
	"paid_at" timestamp with time zone,
	"record" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "registration_attendees_event_id_external_id_pk" PRIMARY KEY("event_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "registration_audit" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"action" text NOT NULL,
	"detail" text,
	"rows" integer DEFAULT 0 NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"organizer_id" uuid NOT NULL,
	"source" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets" text,
	"webhook_secret" text NOT NULL,
	"poll_seconds" integer DEFAULT 180 NOT NULL,
	"starts_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_ok_at" timestamp with time zone,
	"next_sync_at" timestamp with time zone,
	"last_error" text,
	"sync_lock_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registration_sync_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ok" boolean NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"changed" integer DEFAULT 0 NOT NULL,
	"refunded" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "registration_attendees" ADD CONSTRAINT "registration_attendees_event_id_registration_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."registration_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_events" ADD CONSTRAINT "registration_events_organizer_id_users_id_fk" FOREIGN KEY ("organizer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_sync_runs" ADD CONSTRAINT "registration_sync_runs_event_id_registration_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."registration_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registration_actions_status_idx" ON "registration_actions" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "registration_attendees_paid_idx" ON "registration_attendees" USING btree ("event_id","paid_at");--> statement-breakpoint
CREATE INDEX "registration_audit_event_idx" ON "registration_audit" USING btree ("event_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "registration_events_slug_key" ON "registration_events" USING btree (lower("slug"));--> statement-breakpoint
CREATE UNIQUE INDEX "registration_events_webhook_key" ON "registration_events" USING btree ("webhook_secret");--> statement-breakpoint
CREATE INDEX "registration_events_next_sync_idx" ON "registration_events" USING btree ("next_sync_at");--> statement-breakpoint
CREATE INDEX "registration_sync_runs_event_idx" ON "registration_sync_runs" USING btree ("event_id","id");