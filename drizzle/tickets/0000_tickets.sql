CREATE TABLE "ticket_cancelled_reservations" (
	"id" integer PRIMARY KEY NOT NULL,
	"ticket_type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" integer NOT NULL,
	"total_price" integer NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"cancelled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"poster_url" text,
	"venue" text,
	"description" text,
	"timezone" text DEFAULT 'Asia/Seoul' NOT NULL,
	"organizer_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reservation_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_reservations" (
	"id" serial PRIMARY KEY NOT NULL,
	"ticket_type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" integer NOT NULL,
	"total_price" integer NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid
);
--> statement-breakpoint
CREATE TABLE "ticket_showtimes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"showtime_id" uuid NOT NULL,
	"name" text NOT NULL,
	"price" integer NOT NULL,
	"quota" integer NOT NULL,
	"sold" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ticket_types_capacity" CHECK ("ticket_types"."sold" >= 0 and "ticket_types"."held" >= 0 and "ticket_types"."sold" + "ticket_types"."held" <= "ticket_types"."quota"),
	CONSTRAINT "ticket_types_price" CHECK ("ticket_types"."price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "ticket_waitlist_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"hold_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"offered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_organizer_id_users_id_fk" FOREIGN KEY ("organizer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ticket_holds" ADD CONSTRAINT "ticket_holds_ticket_type_id_ticket_types_id_fk" FOREIGN KEY ("ticket_type_id") REFERENCES "public"."ticket_types"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ticket_holds" ADD CONSTRAINT "ticket_holds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ticket_showtimes" ADD CONSTRAINT "ticket_showtimes_event_id_ticket_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."ticket_events"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ticket_types" ADD CONSTRAINT "ticket_types_showtime_id_ticket_showtimes_id_fk" FOREIGN KEY ("showtime_id") REFERENCES "public"."ticket_showtimes"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ticket_waitlist_entries" ADD CONSTRAINT "ticket_waitlist_entries_ticket_type_id_ticket_types_id_fk" FOREIGN KEY ("ticket_type_id") REFERENCES "public"."ticket_types"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ticket_waitlist_entries" ADD CONSTRAINT "ticket_waitlist_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "ticket_cancelled_user_idx" ON "ticket_cancelled_reservations" USING btree ("user_id");
--> statement-breakpoint
CREATE INDEX "ticket_cancelled_type_idx" ON "ticket_cancelled_reservations" USING btree ("ticket_type_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_events_code_key" ON "ticket_events" USING btree (upper("code"));
--> statement-breakpoint
CREATE INDEX "ticket_holds_live_idx" ON "ticket_holds" USING btree ("expires_at") WHERE "ticket_holds"."status" = 'held';
--> statement-breakpoint
CREATE INDEX "ticket_holds_user_idx" ON "ticket_holds" USING btree ("user_id");
--> statement-breakpoint
CREATE INDEX "ticket_reservations_user_idx" ON "ticket_reservations" USING btree ("user_id");
--> statement-breakpoint
CREATE INDEX "ticket_reservations_type_idx" ON "ticket_reservations" USING btree ("ticket_type_id");
--> statement-breakpoint
CREATE INDEX "ticket_showtimes_event_idx" ON "ticket_showtimes" USING btree ("event_id","starts_at");
--> statement-breakpoint
CREATE INDEX "ticket_types_showtime_idx" ON "ticket_types" USING btree ("showtime_id");
--> statement-breakpoint
CREATE INDEX "ticket_waitlist_queue_idx" ON "ticket_waitlist_entries" USING btree ("ticket_type_id","created_at") WHERE "ticket_waitlist_entries"."status" = 'waiting';
--> statement-breakpoint
CREATE INDEX "ticket_waitlist_user_idx" ON "ticket_waitlist_entries" USING btree ("user_id");
