-- Full-text index of articles: title, excerpt and the plain text of the rendered body.
-- Contentless (the text lives in articles); contentless_delete lets the app delete and
-- replace rows by rowid, which is the article id. Diacritics are folded so "cafe" finds "café".
CREATE VIRTUAL TABLE `articles_fts` USING fts5(
	title,
	excerpt,
	body,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
