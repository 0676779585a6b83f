CREATE TABLE "consult_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text NOT NULL,
	"categories" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"services" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"intro" text DEFAULT '' NOT NULL,
	"career" text DEFAULT '' NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "consult_bookmarks" (
	"user_id" uuid NOT NULL,
	"counselor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_bookmarks_user_id_counselor_id_pk" PRIMARY KEY("user_id","counselor_id")
);
--> statement-breakpoint
CREATE TABLE "consult_call_events" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"counselor_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"rate_per_30s" integer NOT NULL,
	"held" integer NOT NULL,
	"hold_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"seconds_bought" integer NOT NULL,
	"ticket_id" text,
	"dial_number" text,
	"state" text DEFAULT 'open' NOT NULL,
	"call_id" text,
	"billed_seconds" integer,
	"charged" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_chat_versions" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"post_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"hidden_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_counselors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"grade" text DEFAULT '' NOT NULL,
	"rate_per_30s" integer NOT NULL,
	"line_status" text DEFAULT 'offline' NOT NULL,
	"gone_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"state" text DEFAULT 'active' NOT NULL,
	"search_weight" integer DEFAULT 0 NOT NULL,
	"memo" text DEFAULT '' NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"categories" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"services" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"auto_online" boolean DEFAULT true NOT NULL,
	"image_file_id" uuid,
	"intro" text DEFAULT '' NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"like_count" integer DEFAULT 0 NOT NULL,
	"review_count" integer DEFAULT 0 NOT NULL,
	"rating_sum" integer DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_counselors_rate" CHECK ("consult_counselors"."rate_per_30s" > 0),
	CONSTRAINT "consult_counselors_counts" CHECK ("consult_counselors"."like_count" >= 0 and "consult_counselors"."review_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "consult_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"counselor_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"price" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_items_price" CHECK ("consult_items"."price" > 0)
);
--> statement-breakpoint
CREATE TABLE "consult_likes" (
	"user_id" uuid NOT NULL,
	"counselor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_likes_user_id_counselor_id_pk" PRIMARY KEY("user_id","counselor_id")
);
--> statement-breakpoint
CREATE TABLE "consult_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"room_id" uuid NOT NULL,
	"sender_id" uuid,
	"kind" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"file_id" uuid,
	"request_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_messages_body_length" CHECK (char_length("consult_messages"."body") <= 2000)
);
--> statement-breakpoint
CREATE TABLE "consult_point_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"price" integer NOT NULL,
	"points" integer NOT NULL,
	"bonus" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_point_items_amounts" CHECK ("consult_point_items"."price" > 0 and "consult_point_items"."points" > 0 and "consult_point_items"."bonus" >= 0)
);
--> statement-breakpoint
CREATE TABLE "consult_posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"author_id" uuid NOT NULL,
	"notice" boolean DEFAULT false NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"image_file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"comment_count" integer DEFAULT 0 NOT NULL,
	"hidden_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"phone" text,
	"image_file_id" uuid,
	"bonus_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_purchases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"point_item_id" uuid NOT NULL,
	"order_id" uuid,
	"name" text NOT NULL,
	"price" integer NOT NULL,
	"points" integer NOT NULL,
	"bonus" integer NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"refunded_points" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"credited_at" timestamp with time zone,
	"refunded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "consult_push_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"segment" text NOT NULL,
	"test" boolean DEFAULT false NOT NULL,
	"sent_by" uuid NOT NULL,
	"targets" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consult_reads" (
	"room_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"last_read_id" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "consult_reads_room_id_user_id_pk" PRIMARY KEY("room_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "consult_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"room_id" uuid NOT NULL,
	"message_id" bigint,
	"reporter_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "consult_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"room_id" uuid NOT NULL,
	"counselor_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"price" integer NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"appointment_at" timestamp with time zone,
	"state" text DEFAULT 'pending' NOT NULL,
	"hold_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	CONSTRAINT "consult_requests_price" CHECK ("consult_requests"."price" > 0)
);
--> statement-breakpoint
CREATE TABLE "consult_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"counselor_id" uuid NOT NULL,
	"stars" integer NOT NULL,
	"body" text NOT NULL,
	"reply" text,
	"replied_at" timestamp with time zone,
	"hidden_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_reviews_stars" CHECK ("consult_reviews"."stars" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "consult_rooms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"user_id" uuid NOT NULL,
	"counselor_id" uuid,
	"blocked_by" uuid,
	"last_message_id" bigint DEFAULT 0 NOT NULL,
	"last_message_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consult_rooms_kind" CHECK (("consult_rooms"."kind" = 'counselor') = ("consult_rooms"."counselor_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "consult_applications" ADD CONSTRAINT "consult_applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_bookmarks" ADD CONSTRAINT "consult_bookmarks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_bookmarks" ADD CONSTRAINT "consult_bookmarks_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_calls" ADD CONSTRAINT "consult_calls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_calls" ADD CONSTRAINT "consult_calls_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_comments" ADD CONSTRAINT "consult_comments_post_id_consult_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."consult_posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_comments" ADD CONSTRAINT "consult_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_counselors" ADD CONSTRAINT "consult_counselors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_items" ADD CONSTRAINT "consult_items_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_likes" ADD CONSTRAINT "consult_likes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_likes" ADD CONSTRAINT "consult_likes_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_messages" ADD CONSTRAINT "consult_messages_room_id_consult_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."consult_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_posts" ADD CONSTRAINT "consult_posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_profiles" ADD CONSTRAINT "consult_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_purchases" ADD CONSTRAINT "consult_purchases_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_purchases" ADD CONSTRAINT "consult_purchases_point_item_id_consult_point_items_id_fk" FOREIGN KEY ("point_item_id") REFERENCES "public"."consult_point_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_reads" ADD CONSTRAINT "consult_reads_room_id_consult_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."consult_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_reports" ADD CONSTRAINT "consult_reports_room_id_consult_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."consult_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_requests" ADD CONSTRAINT "consult_requests_room_id_consult_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."consult_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_requests" ADD CONSTRAINT "consult_requests_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_requests" ADD CONSTRAINT "consult_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_requests" ADD CONSTRAINT "consult_requests_item_id_consult_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."consult_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_reviews" ADD CONSTRAINT "consult_reviews_request_id_consult_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."consult_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_reviews" ADD CONSTRAINT "consult_reviews_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_reviews" ADD CONSTRAINT "consult_reviews_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_rooms" ADD CONSTRAINT "consult_rooms_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_rooms" ADD CONSTRAINT "consult_rooms_counselor_id_consult_counselors_id_fk" FOREIGN KEY ("counselor_id") REFERENCES "public"."consult_counselors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consult_applications_email_idx" ON "consult_applications" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "consult_calls_call_key" ON "consult_calls" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "consult_calls_user_idx" ON "consult_calls" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "consult_calls_open_idx" ON "consult_calls" USING btree ("state","expires_at");--> statement-breakpoint
CREATE INDEX "consult_comments_post_idx" ON "consult_comments" USING btree ("post_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "consult_counselors_code_key" ON "consult_counselors" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "consult_counselors_user_key" ON "consult_counselors" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "consult_counselors_rank_idx" ON "consult_counselors" USING btree ("state","search_weight");--> statement-breakpoint
CREATE INDEX "consult_items_counselor_idx" ON "consult_items" USING btree ("counselor_id");--> statement-breakpoint
CREATE INDEX "consult_messages_room_idx" ON "consult_messages" USING btree ("room_id","id");--> statement-breakpoint
CREATE INDEX "consult_posts_list_idx" ON "consult_posts" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "consult_purchases_order_key" ON "consult_purchases" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "consult_purchases_user_idx" ON "consult_purchases" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "consult_reports_room_idx" ON "consult_reports" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "consult_requests_room_idx" ON "consult_requests" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "consult_requests_user_idx" ON "consult_requests" USING btree ("user_id","state");--> statement-breakpoint
CREATE INDEX "consult_requests_counselor_idx" ON "consult_requests" USING btree ("counselor_id","state");--> statement-breakpoint
CREATE INDEX "consult_requests_due_idx" ON "consult_requests" USING btree ("state","expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "consult_reviews_request_key" ON "consult_reviews" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "consult_reviews_counselor_idx" ON "consult_reviews" USING btree ("counselor_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "consult_rooms_pair_key" ON "consult_rooms" USING btree ("user_id","counselor_id") WHERE "consult_rooms"."kind" = 'counselor';--> statement-breakpoint
CREATE UNIQUE INDEX "consult_rooms_inquiry_key" ON "consult_rooms" USING btree ("user_id") WHERE "consult_rooms"."kind" = 'inquiry';--> statement-breakpoint
CREATE INDEX "consult_rooms_counselor_idx" ON "consult_rooms" USING btree ("counselor_id");