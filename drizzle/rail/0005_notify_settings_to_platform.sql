-- The channel settings moved to the platform's notify_settings (created by the platform's migrations,
-- which run before rail's). The sealed webhook URLs are copied as they are: the platform opens them
-- with the same key and the same binding (notify:<user id>:<channel>).
INSERT INTO "notify_settings" ("user_id", "email", "discord_webhook", "slack_webhook", "telegram_chat_id", "updated_at")
SELECT "user_id", "email", "discord_webhook", "slack_webhook", "telegram_chat_id", "updated_at" FROM "rail_notify_settings"
ON CONFLICT ("user_id") DO NOTHING;--> statement-breakpoint
DROP TABLE "rail_notify_settings" CASCADE;
