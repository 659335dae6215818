CREATE TABLE `search_terms` (
	`term` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE INDEX `articles_public_id_idx` ON `articles` (`id`,`published_at`) WHERE status in ('published', 'scheduled');
--> statement-breakpoint
-- Each indexed term with the number of articles holding it (fts5vocab reads the index; a
-- count walks the term's whole document list, so the app never asks it per request).
CREATE VIRTUAL TABLE `articles_fts_vocab` USING fts5vocab(articles_fts, 'row');
--> statement-breakpoint
-- The terms of the articles indexed so far; the app adds new ones as it indexes articles.
INSERT OR IGNORE INTO `search_terms` (`term`) SELECT `term` FROM `articles_fts_vocab`;
