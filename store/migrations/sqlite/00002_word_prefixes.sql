-- Search terms of one or two characters are too short for the trigram
-- tables: they match the beginning of a word instead, found through FTS5
-- tables of words (letters and digits, as the unicode61 tokenizer splits
-- them) that index every word's first one and two characters. They are
-- external-content tables over search_all, kept in step by triggers like
-- the trigram tables <table>_fts. Twin of ../postgres/00002_word_prefixes.sql,
-- whose indexes <table>_words_idx index the same prefixes.

-- +goose Up

CREATE VIRTUAL TABLE IF NOT EXISTS clients_words USING fts5(
    search_all, content = 'clients', content_rowid = 'id', tokenize = 'unicode61', prefix = '1 2'
);
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS clients_words_insert AFTER INSERT ON clients BEGIN
    INSERT INTO clients_words (rowid, search_all) VALUES (new.id, new.search_all);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS clients_words_delete AFTER DELETE ON clients BEGIN
    INSERT INTO clients_words (clients_words, rowid, search_all) VALUES ('delete', old.id, old.search_all);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS clients_words_update AFTER UPDATE OF search_all ON clients BEGIN
    INSERT INTO clients_words (clients_words, rowid, search_all) VALUES ('delete', old.id, old.search_all);
    INSERT INTO clients_words (rowid, search_all) VALUES (new.id, new.search_all);
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE IF NOT EXISTS contracts_words USING fts5(
    search_all, content = 'contracts', content_rowid = 'id', tokenize = 'unicode61', prefix = '1 2'
);
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS contracts_words_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contracts_words (rowid, search_all) VALUES (new.id, new.search_all);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS contracts_words_delete AFTER DELETE ON contracts BEGIN
    INSERT INTO contracts_words (contracts_words, rowid, search_all) VALUES ('delete', old.id, old.search_all);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS contracts_words_update AFTER UPDATE OF search_all ON contracts BEGIN
    INSERT INTO contracts_words (contracts_words, rowid, search_all) VALUES ('delete', old.id, old.search_all);
    INSERT INTO contracts_words (rowid, search_all) VALUES (new.id, new.search_all);
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE IF NOT EXISTS events_words USING fts5(
    search_all, content = 'events', content_rowid = 'id', tokenize = 'unicode61', prefix = '1 2'
);
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS events_words_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_words (rowid, search_all) VALUES (new.id, new.search_all);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS events_words_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_words (events_words, rowid, search_all) VALUES ('delete', old.id, old.search_all);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS events_words_update AFTER UPDATE OF search_all ON events BEGIN
    INSERT INTO events_words (events_words, rowid, search_all) VALUES ('delete', old.id, old.search_all);
    INSERT INTO events_words (rowid, search_all) VALUES (new.id, new.search_all);
END;
-- +goose StatementEnd

-- Back-fill: index the rows already there.
INSERT INTO clients_words (clients_words) VALUES ('rebuild');
INSERT INTO contracts_words (contracts_words) VALUES ('rebuild');
INSERT INTO events_words (events_words) VALUES ('rebuild');
