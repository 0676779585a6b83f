CREATE TABLE "rail_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"login_hint" text NOT NULL,
	"secret" text NOT NULL,
	"member_no" text,
	"member_name" text,
	"status" text DEFAULT 'ok' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rail_notify_settings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"email" boolean DEFAULT true NOT NULL,
	"discord_webhook" text,
	"slack_webhook" text,
	"telegram_chat_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rail_reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"account_id" uuid,
	"watch_id" uuid,
	"provider" text NOT NULL,
	"pnr" text NOT NULL,
	"train_no" text NOT NULL,
	"train_type" text NOT NULL,
	"date" text NOT NULL,
	"from_station" text NOT NULL,
	"to_station" text NOT NULL,
	"departure" text NOT NULL,
	"arrival" text NOT NULL,
	"seat_class" text,
	"seats" jsonb NOT NULL,
	"seat_count" integer NOT NULL,
	"total_price" integer NOT NULL,
	"payment_deadline" timestamp with time zone,
	"standby" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rail_watches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"search_key" text NOT NULL,
	"from_station" text NOT NULL,
	"to_station" text NOT NULL,
	"date" text NOT NULL,
	"time_from" text NOT NULL,
	"time_to" text NOT NULL,
	"train_no" text,
	"passengers" jsonb NOT NULL,
	"seat_policy" text DEFAULT 'general-first' NOT NULL,
	"seat_position" text DEFAULT 'any' NOT NULL,
	"selection" text DEFAULT 'earliest' NOT NULL,
	"standby" boolean DEFAULT false NOT NULL,
	"notify" jsonb DEFAULT '["email"]'::jsonb NOT NULL,
	"deadline" timestamp with time zone,
	"stop_before_minutes" integer DEFAULT 10 NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_result" text,
	"last_poll_at" timestamp with time zone,
	"fail_reason" text,
	"reserving_since" timestamp with time zone,
	"reserving_train" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rail_watches_window" CHECK ("rail_watches"."time_from" <= "rail_watches"."time_to")
);
--> statement-breakpoint
ALTER TABLE "rail_accounts" ADD CONSTRAINT "rail_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_notify_settings" ADD CONSTRAINT "rail_notify_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_reservations" ADD CONSTRAINT "rail_reservations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_reservations" ADD CONSTRAINT "rail_reservations_account_id_rail_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."rail_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_reservations" ADD CONSTRAINT "rail_reservations_watch_id_rail_watches_id_fk" FOREIGN KEY ("watch_id") REFERENCES "public"."rail_watches"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD CONSTRAINT "rail_watches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD CONSTRAINT "rail_watches_account_id_rail_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."rail_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rail_accounts_user_provider_key" ON "rail_accounts" USING btree ("user_id","provider");--> statement-breakpoint
CREATE UNIQUE INDEX "rail_reservations_watch_key" ON "rail_reservations" USING btree ("watch_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rail_reservations_pnr_key" ON "rail_reservations" USING btree ("provider","pnr");--> statement-breakpoint
CREATE INDEX "rail_reservations_user_idx" ON "rail_reservations" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "rail_watches_active_idx" ON "rail_watches" USING btree ("search_key","created_at") WHERE "rail_watches"."status" in ('waiting', 'trying');--> statement-breakpoint
CREATE INDEX "rail_watches_user_idx" ON "rail_watches" USING btree ("user_id","created_at");