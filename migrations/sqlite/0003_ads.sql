CREATE TABLE `ad_campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`advertiser` text NOT NULL,
	`tier` text DEFAULT 'standard' NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`starts_at` text,
	`ends_at` text,
	`limits` text NOT NULL,
	`targeting` text NOT NULL,
	`slot_keys` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ad_creatives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`image_url` text,
	`alt` text,
	`html` text,
	`target_url` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `ad_campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ad_creatives_campaign_idx` ON `ad_creatives` (`campaign_id`);--> statement-breakpoint
CREATE TABLE `ad_slots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`placement` text NOT NULL,
	`sizes` text NOT NULL,
	`size_mapping` text,
	`label` text DEFAULT 'Advertisement' NOT NULL,
	`in_article` text,
	`enabled` integer DEFAULT true NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ad_slots_key_unique` ON `ad_slots` (`key`);--> statement-breakpoint
CREATE TABLE `ad_stats_daily` (
	`day` text NOT NULL,
	`slot_key` text NOT NULL,
	`campaign_id` integer NOT NULL,
	`creative_id` integer NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`fills` integer DEFAULT 0 NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`filtered_impressions` integer DEFAULT 0 NOT NULL,
	`filtered_clicks` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `slot_key`, `campaign_id`, `creative_id`)
);
--> statement-breakpoint
CREATE INDEX `ad_stats_campaign_idx` ON `ad_stats_daily` (`campaign_id`,`day`);--> statement-breakpoint
CREATE TABLE `ad_used_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ad_used_tokens_expiry_idx` ON `ad_used_tokens` (`expires_at`);