PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_ad_used_tokens` (
	`expires_at` integer NOT NULL,
	`id` text NOT NULL,
	PRIMARY KEY(`expires_at`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_ad_used_tokens`("expires_at", "id") SELECT "expires_at", CASE WHEN "id" LIKE 'imp:%' THEN 'i' || substr("id", 5) WHEN "id" LIKE 'click:%' THEN 'c' || substr("id", 7) ELSE "id" END FROM `ad_used_tokens`;--> statement-breakpoint
DROP TABLE `ad_used_tokens`;--> statement-breakpoint
ALTER TABLE `__new_ad_used_tokens` RENAME TO `ad_used_tokens`;--> statement-breakpoint
PRAGMA foreign_keys=ON;