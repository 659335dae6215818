-- json, not jsonb: it keeps each document as written, key order included, so answers read byte for byte as on SQLite (jsonb sorts keys). Nothing queries inside these columns.
ALTER TABLE "ad_campaigns" ALTER COLUMN "limits" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "ad_campaigns" ALTER COLUMN "targeting" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "ad_campaigns" ALTER COLUMN "slot_keys" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "ad_slots" ALTER COLUMN "sizes" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "ad_slots" ALTER COLUMN "size_mapping" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "ad_slots" ALTER COLUMN "in_article" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "article_revisions" ALTER COLUMN "snapshot" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "articles" ALTER COLUMN "cover_image" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "articles" ALTER COLUMN "seo" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "comments" ALTER COLUMN "flags" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "headers" SET DATA TYPE json;