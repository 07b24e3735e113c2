-- Search terms of one or two characters are too short for the trigram
-- indexes: they match the beginning of a word instead, found through the
-- words' first one and two characters. A word is a run of letters and
-- digits. Twin of ../sqlite/00002_word_prefixes.sql, whose FTS5 tables
-- <table>_words index the same prefixes.

-- +goose Up
-- Building the indexes reads every row: no statement time-out applies.
SET LOCAL statement_timeout = 0;

-- word_prefixes is the first one and two characters of every word of a
-- folded text (and what follows the last word, which no term matches).
-- Searches ask word_prefixes(search_all) @> ARRAY[term], which the GIN
-- indexes below answer. One expression, so that the planner inlines it and
-- matches it with the indexes.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION word_prefixes(text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_to_array(regexp_replace($1, '[^[:alnum:]]*([[:alnum:]])([[:alnum:]]?)[[:alnum:]]*', '\1 \1\2 ', 'g'), ' ')
$$;
-- +goose StatementEnd

-- Building each index fills it from the rows already there.
CREATE INDEX IF NOT EXISTS clients_words_idx ON clients USING gin (word_prefixes(search_all));
CREATE INDEX IF NOT EXISTS contracts_words_idx ON contracts USING gin (word_prefixes(search_all));
CREATE INDEX IF NOT EXISTS events_words_idx ON events USING gin (word_prefixes(search_all));
