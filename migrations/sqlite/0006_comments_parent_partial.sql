DROP INDEX `comments_parent_idx`;--> statement-breakpoint
CREATE INDEX `comments_parent_idx` ON `comments` (`parent_id`) WHERE parent_id is not null;