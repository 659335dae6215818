-- Full-text search of articles: PostgreSQL's counterpart of SQLite's FTS5 table articles_fts.
-- One weighted document per article (title A, excerpt B, plain text of the body C), written by
-- the articles repository, in a table of its own so other writes of an article never rewrite it.
-- The 'simple' configuration keeps it language-neutral (no stemming, no stop words), as FTS5's
-- unicode61 tokenizer is; unaccent folds diacritics as remove_diacritics 2 does.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
--> statement-breakpoint
-- unaccent() is STABLE (its dictionary could be reloaded), so it may not appear in an index
-- or a stored document's definition; naming the dictionary makes it safe to declare IMMUTABLE.
CREATE FUNCTION broadsheet_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
--> statement-breakpoint
CREATE TABLE "articles_search" (
	"article_id" integer PRIMARY KEY NOT NULL REFERENCES "articles"("id") ON DELETE CASCADE,
	"document" tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX "articles_search_document_idx" ON "articles_search" USING gin ("document");
