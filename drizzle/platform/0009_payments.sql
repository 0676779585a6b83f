CREATE TABLE "payment_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"ref" text NOT NULL,
	"amount" integer NOT NULL,
	"product_name" text NOT NULL,
	"gateway" text NOT NULL,
	"state" text DEFAULT 'created' NOT NULL,
	"tid" text,
	"gateway_token" text,
	"refunded_amount" integer DEFAULT 0 NOT NULL,
	"records" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"note" text,
	"cancelling_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "payment_orders_amount_positive" CHECK ("payment_orders"."amount" > 0),
	CONSTRAINT "payment_orders_refund_within_amount" CHECK ("payment_orders"."refunded_amount" >= 0 and "payment_orders"."refunded_amount" <= "payment_orders"."amount"),
	CONSTRAINT "payment_orders_paid_has_tid" CHECK ("payment_orders"."state" not in ('paid', 'refunded') or "payment_orders"."tid" is not null)
);
--> statement-breakpoint
ALTER TABLE "payment_orders" ADD CONSTRAINT "payment_orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_orders_tid_key" ON "payment_orders" USING btree ("tid");--> statement-breakpoint
CREATE INDEX "payment_orders_user_idx" ON "payment_orders" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_orders_state_idx" ON "payment_orders" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "payment_orders_purpose_idx" ON "payment_orders" USING btree ("purpose","created_at");