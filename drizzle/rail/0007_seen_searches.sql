CREATE TABLE "rail_seen_searches" (
	"key" text PRIMARY KEY NOT NULL,
	"time" text NOT NULL,
	"until" text,
	"trains" jsonb NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
