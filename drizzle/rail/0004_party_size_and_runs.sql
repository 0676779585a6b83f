CREATE TABLE "rail_poll_jobs" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rail_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "rail_reservations_pnr_key";--> statement-breakpoint
ALTER TABLE "rail_reservations" ADD COLUMN "pnr_run" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD COLUMN "shortage" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "rail_reservations_pnr_key" ON "rail_reservations" USING btree ("provider","pnr","pnr_run");