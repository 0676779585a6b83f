ALTER TABLE "rail_reservations" ADD COLUMN "together" boolean;--> statement-breakpoint
ALTER TABLE "rail_reservations" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD COLUMN "train_nos" jsonb;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD COLUMN "start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD COLUMN "opens_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rail_watches" ADD COLUMN "seat_direction" text DEFAULT 'any' NOT NULL;