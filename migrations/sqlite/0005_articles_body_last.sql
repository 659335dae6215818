-- Rebuilds articles with body and html as its last columns. SQLite stores a row's columns in
-- order and a long text spills onto overflow pages: every column after the body (status,
-- published_at, counters, timestamps) was read by walking those pages, for each row of a
-- list and each state check. Same columns, ids, constraints and indexes; only the order moves.
--
-- SQLite's table-rebuild procedure (https://sqlite.org/lang_altertable.html#otheralter):
-- runMigrations switches foreign_keys off around the migrations (a pragma a transaction
-- cannot change) and runs foreign_key_check after them, so dropping the old table cascades
-- to nothing. The AUTOINCREMENT high-water mark is carried over, so no deleted id comes back.
-- Time and space: one copy of the table (seconds per 10,000 long articles).
-- Refuses to run with foreign keys on (a runner other than runMigrations): the DROP below
-- would cascade to comments, tags and revisions. The CHECK fails unless foreign_keys is 0.
CREATE TEMP TABLE `_foreign_keys_must_be_off` (`on` integer CHECK (`on` = 0));--> statement-breakpoint
INSERT INTO `_foreign_keys_must_be_off` SELECT `foreign_keys` FROM pragma_foreign_keys;--> statement-breakpoint
DROP TABLE `_foreign_keys_must_be_off`;--> statement-breakpoint
CREATE TABLE `articles_new` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`subtitle` text,
	`excerpt` text,
	`excerpt_derived` integer DEFAULT true NOT NULL,
	`format` text DEFAULT 'markdown' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`status_before_trash` text,
	`featured` integer DEFAULT false NOT NULL,
	`category_id` integer,
	`author_id` integer,
	`cover_image` text,
	`seo` text,
	`comments_enabled` integer DEFAULT true NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`word_count` integer DEFAULT 0 NOT NULL,
	`reading_time_minutes` integer DEFAULT 0 NOT NULL,
	`publish_at` text,
	`published_at` text,
	`created_by_token_id` integer,
	`revision` integer DEFAULT 1 NOT NULL,
	`trashed_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`html` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_token_id`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE set null
);--> statement-breakpoint
INSERT INTO `articles_new` (`id`, `slug`, `title`, `subtitle`, `excerpt`, `excerpt_derived`, `format`, `status`, `status_before_trash`, `featured`, `category_id`, `author_id`, `cover_image`, `seo`, `comments_enabled`, `comment_count`, `word_count`, `reading_time_minutes`, `publish_at`, `published_at`, `created_by_token_id`, `revision`, `trashed_at`, `created_at`, `updated_at`, `body`, `html`)
	SELECT `id`, `slug`, `title`, `subtitle`, `excerpt`, `excerpt_derived`, `format`, `status`, `status_before_trash`, `featured`, `category_id`, `author_id`, `cover_image`, `seo`, `comments_enabled`, `comment_count`, `word_count`, `reading_time_minutes`, `publish_at`, `published_at`, `created_by_token_id`, `revision`, `trashed_at`, `created_at`, `updated_at`, `body`, `html` FROM `articles` ORDER BY `id`;--> statement-breakpoint
UPDATE `sqlite_sequence` SET `seq` = (SELECT max(`seq`) FROM `sqlite_sequence` WHERE `name` IN ('articles', 'articles_new')) WHERE `name` = 'articles_new';--> statement-breakpoint
INSERT INTO `sqlite_sequence` (`name`, `seq`) SELECT 'articles_new', `seq` FROM `sqlite_sequence` WHERE `name` = 'articles' AND NOT EXISTS (SELECT 1 FROM `sqlite_sequence` WHERE `name` = 'articles_new');--> statement-breakpoint
DROP TABLE `articles`;--> statement-breakpoint
ALTER TABLE `articles_new` RENAME TO `articles`;--> statement-breakpoint
CREATE UNIQUE INDEX `articles_slug_unique` ON `articles` (`slug`);--> statement-breakpoint
CREATE INDEX `articles_public_idx` ON `articles` (`published_at`,`id`) WHERE status in ('published', 'scheduled');--> statement-breakpoint
CREATE INDEX `articles_public_id_idx` ON `articles` (`id`,`published_at`) WHERE status in ('published', 'scheduled');--> statement-breakpoint
CREATE INDEX `articles_public_category_idx` ON `articles` (`category_id`,`published_at`,`id`) WHERE status in ('published', 'scheduled');--> statement-breakpoint
CREATE INDEX `articles_public_author_idx` ON `articles` (`author_id`,`published_at`,`id`) WHERE status in ('published', 'scheduled');--> statement-breakpoint
CREATE INDEX `articles_public_featured_idx` ON `articles` (`featured`,`published_at`,`id`) WHERE status in ('published', 'scheduled');--> statement-breakpoint
CREATE INDEX `articles_status_idx` ON `articles` (`status`,`updated_at`,`id`) WHERE status not in ('published', 'scheduled');--> statement-breakpoint
CREATE INDEX `articles_updated_idx` ON `articles` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `articles_category_idx` ON `articles` (`category_id`);--> statement-breakpoint
CREATE INDEX `articles_author_idx` ON `articles` (`author_id`);--> statement-breakpoint
CREATE INDEX `articles_scheduled_idx` ON `articles` (`published_at`) WHERE status = 'scheduled';
