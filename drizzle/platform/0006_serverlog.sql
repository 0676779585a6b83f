CREATE TABLE "server_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"level" text NOT NULL,
	"source" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"actor_id" uuid,
	"request_id" text,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce("server_log"."message", '') || ' ' || coalesce("server_log"."source", ''))) STORED
);
--> statement-breakpoint
ALTER TABLE "server_log" ADD CONSTRAINT "server_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "server_log_search_idx" ON "server_log" USING gin ("search");--> statement-breakpoint
CREATE INDEX "server_log_at_idx" ON "server_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "server_log_source_idx" ON "server_log" USING btree ("source","id");