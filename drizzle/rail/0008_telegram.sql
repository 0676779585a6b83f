CREATE TABLE "rail_telegram_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rail_telegram_links" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rail_telegram_links_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "rail_telegram_updates" (
	"update_id" bigint PRIMARY KEY NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rail_telegram_codes" ADD CONSTRAINT "rail_telegram_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rail_telegram_links" ADD CONSTRAINT "rail_telegram_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rail_telegram_updates_taken_idx" ON "rail_telegram_updates" USING btree ("taken_at");