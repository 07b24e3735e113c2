package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/epicevents/epic-tui/domain"
)

// sortKey is an expression a list may be ordered by. It must never be NULL:
// keyset comparisons with NULL match nothing.
type sortKey struct {
	expr    string
	boolean bool // SQLite hands booleans back as integers
	indexed bool // an index yields the rows in this order, (key, id)
}

// searchable is the text a list searches and how it is indexed.
type searchable struct {
	text string // the column of the row's folded search text, related names included
	id   string // the id column of the row
	// fts is the SQLite FTS5 trigram table indexing text, its rowid the id;
	// PostgreSQL indexes the same column of table with pg_trgm. "" when not
	// indexed.
	fts   string
	table string
	// words is the SQLite FTS5 table of the first one and two characters of
	// the words of text; PostgreSQL indexes word_prefixes(text) instead.
	words string
}

// filter collects the conditions of a WHERE clause and their arguments, and
// the terms of a search. A list and its count share one, so they always agree.
type filter struct {
	conds []string
	args  []any
	in    searchable
	terms []string // folded search terms, every one required in in.text
	// joined is set when a condition reads a table joined to the listed
	// one; otherwise a count reads the listed table alone.
	joined bool
}

// add requires cond, whose ? placeholders take args.
func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// addJoined requires cond, which reads a joined table.
func (f *filter) addJoined(cond string, args ...any) {
	f.add(cond, args...)
	f.joined = true
}

// search requires every term of the search text in the searchable text.
// The stored search text is folded the same way as the terms.
func (f *filter) search(in searchable, search string) {
	f.in, f.terms = in, domain.SearchTerms(search)
}

// clone is a copy of f that can be added to without touching f.
func (f filter) clone() filter {
	f.conds, f.args = slices.Clone(f.conds), slices.Clone(f.args)
	return f
}

// requireTerms adds a condition on text per search term. They are the
// exact test of a match, whatever index found the candidates. A term of 3
// or more characters, or holding anything but letters and digits, must be a
// substring of text; a shorter one of letters and digits must begin a word.
// On PostgreSQL, with prefixIndex, the word test is written as the word
// prefix index answers it; otherwise as a test of the text alone, which is
// cheaper on rows already read.
func (f *filter) requireTerms(d Dialect, text string, prefixIndex bool) {
	for _, term := range f.terms {
		switch {
		case !wordTerm(term):
			f.add(text+` LIKE ? ESCAPE '\'`, "%"+escapeLike(term)+"%")
		case d == Postgres && prefixIndex:
			f.add("word_prefixes("+text+") @> ARRAY[?::text]", term)
		case d == Postgres:
			// The term holds only letters and digits: nothing to escape.
			f.add(text+" ~ ?", "(^|[^[:alnum:]])"+term)
		default:
			f.add(wordStartFunc+"("+text+", ?)", term)
		}
	}
}

// minTrigram is the shortest term a trigram index can look up.
const minTrigram = 3

// wordTerm tells whether term is looked up by the beginning of words: it
// is too short for the trigram indexes and made of letters and digits,
// which is what the word indexes hold.
func wordTerm(term string) bool {
	if utf8.RuneCountInString(term) >= minTrigram {
		return false
	}
	for _, r := range term {
		if !isWordRune(r) {
			return false
		}
	}
	return true
}

// isWordRune tells whether r belongs to a word, as SQLite's unicode61
// tokenizer splits text: letters, digits and private-use characters.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// wordStartFunc is the SQLite function telling whether its second argument
// begins a word of its first: 1 or 0.
const wordStartFunc = "epic_word_start"

// wordStart tells whether term occurs in text where a word begins.
func wordStart(text, term string) bool {
	if term == "" {
		return true
	}
	for at := 0; ; {
		i := strings.Index(text[at:], term)
		if i < 0 {
			return false
		}
		i += at
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		if i == 0 || !isWordRune(before) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		at = i + size
	}
}

// ftsMatch is the SQLite FTS5 table and query that find a search's
// candidates: the trigram table, with every term long enough for it as a
// quoted phrase; failing that the words table, with every word term as a
// prefix; "" when neither applies.
func (f filter) ftsMatch() (table, query string) {
	var long, words []string
	for _, term := range f.terms {
		switch {
		case utf8.RuneCountInString(term) >= minTrigram:
			long = append(long, `"`+strings.ReplaceAll(term, `"`, `""`)+`"`)
		case wordTerm(term):
			words = append(words, `"`+term+`"*`)
		}
	}
	switch {
	case len(long) > 0 && f.in.fts != "":
		return f.in.fts, strings.Join(long, " ")
	case len(words) > 0 && f.in.words != "":
		return f.in.words, strings.Join(words, " ")
	}
	return "", ""
}

// longTerms is a filter on f's text holding only f's terms long enough for
// the trigram index, and whether there is one.
func (f filter) longTerms() (filter, bool) {
	long := filter{in: f.in}
	for _, term := range f.terms {
		if utf8.RuneCountInString(term) >= minTrigram {
			long.terms = append(long.terms, term)
		}
	}
	return long, len(long.terms) > 0
}

// hitColumn is the id of the rows an SQLite FTS5 table found, in the
// queries resolve writes: FTS5 hands them over in this order.
const hitColumn = "hits.hit"

// resolve turns f into the FROM clause, its arguments and the complete
// filter of a query over from on dialect, and tells whether an FTS5 table
// leads. On SQLite the rows are found through an FTS5 table, which then
// leads the join; PostgreSQL finds them through its indexes from the
// conditions alone.
func (f filter) resolve(d Dialect, from string) (string, []any, filter, bool) {
	f = f.clone()
	// With a term for the trigram index, the word terms are tested on the
	// rows it finds: evaluating word_prefixes on a row costs more than the
	// test.
	_, long := f.longTerms()
	f.requireTerms(d, f.in.text, !long)
	if d == SQLite {
		if table, match := f.ftsMatch(); match != "" {
			// CROSS JOIN keeps the matches as the outer loop: SQLite would
			// otherwise rather walk an index in the sort order and test every
			// row, which is slow for rare terms.
			from = fmt.Sprintf("(SELECT rowid AS hit FROM %[1]s WHERE %[1]s MATCH ?) hits CROSS JOIN %s", table, from)
			f.add(f.in.id + " = " + hitColumn)
			return from, []any{match}, f, true
		}
	}
	return from, nil, f, false
}

// where is the WHERE clause, or "" when nothing is required.
func (f filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// likeEscaper makes %, _ and the escape character itself literal in LIKE.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// escapeLike escapes s for a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string { return likeEscaper.Replace(s) }

// keyset is a page request resolved against a list's sort columns. Pages are
// found by comparing (sort key, id) with a cursor, never by offset, so a page
// costs the same wherever it is and rows added meanwhile shift nothing.
type keyset struct {
	key    sortKey
	id     string // the id column, which breaks ties
	desc   bool   // the direction rows are fetched in
	back   bool   // fetching the rows before the cursor
	cursor *domain.Cursor
	limit  int
}

// newKeyset checks q against sorts, the list's sort columns by name.
func newKeyset(entity string, sorts map[string]sortKey, idColumn string, q domain.PageQuery) (keyset, error) {
	name := q.Sort
	if name == "" {
		name = "id"
	}
	key, ok := sorts[name]
	if !ok {
		return keyset{}, domain.NewError(domain.ErrInvalid, "sort",
			fmt.Sprintf("%s lists cannot be sorted by %q", entity, name))
	}
	if q.After != nil && q.Before != nil {
		return keyset{}, domain.NewError(domain.ErrInvalid, "", "a page cannot be both after and before a cursor")
	}
	k := keyset{key: key, id: idColumn, desc: q.Desc, cursor: q.After, limit: q.Limit}
	if q.Before != nil {
		// Walk backwards from the cursor; the rows are put back in display
		// order once fetched.
		k.back, k.desc, k.cursor = true, !q.Desc, q.Before
	}
	switch {
	case k.limit <= 0:
		k.limit = domain.DefaultPageSize
	case k.limit > domain.MaxPageSize:
		k.limit = domain.MaxPageSize
	}
	return k, nil
}

// order is the ORDER BY clause of the page.
func (k keyset) order() string {
	dir := "ASC"
	if k.desc {
		dir = "DESC"
	}
	if k.key.expr == k.id {
		// Named once: SQLite hands the order to an FTS5 table only then.
		return fmt.Sprintf(" ORDER BY %s %s", k.id, dir)
	}
	return fmt.Sprintf(" ORDER BY %s %s, %s %s", k.key.expr, dir, k.id, dir)
}

// after adds the cursor condition to f.
func (k keyset) after(f *filter) {
	if k.cursor == nil {
		return
	}
	cmp := ">"
	if k.desc {
		cmp = "<"
	}
	if k.key.expr == k.id {
		f.add(fmt.Sprintf("%s %s ?", k.id, cmp), k.cursor.ID)
		return
	}
	f.add(fmt.Sprintf("(%s, %s) %s (?, ?)", k.key.expr, k.id, cmp), k.cursor.Key, k.cursor.ID)
}

// query builds the SELECT of one page: columns and from as the entity's
// queries write them, then the filter, the cursor, the order and the limit.
// One more row than the page holds is fetched, to know whether more follow.
func (k keyset) query(d Dialect, columns, from string, f filter) (string, []any) {
	from, args, f, hits := f.resolve(d, from)
	if hits && k.key.expr == f.in.id {
		// Sorted by id, the page is the first matches in the order FTS5
		// hands them over (rowid is the id): the LIMIT stops the search
		// there instead of sorting every match.
		k.key.expr, k.id = hitColumn, hitColumn
	}
	k.after(&f)
	query := "SELECT " + columns + ", " + k.key.expr + " AS sort_key FROM " + from + f.where() +
		k.order() + " LIMIT ?"
	return query, append(append(args, f.args...), k.limit+1)
}

// probeRows is how many rows, in page order, a search of a common term
// reads before turning to the index: a term one row in twenty bears fills a
// default page from them. A probe that falls short is tried once more,
// probeGrowth times longer, which fills a page for a term one row in two
// hundred bears; rarer than that, the index finds the matches and they are
// sorted.
var probeRows = 2000

const probeGrowth = 10

// probes tells whether a search under k may start by reading rows in page
// order: when an index yields that order and the text is indexed for the
// fallback. Not on SQLite sorted by id, where the FTS5 table hands over its
// matches in page order.
func (k keyset) probes(d Dialect, f filter) bool {
	if d == SQLite && k.key.expr == f.in.id {
		if _, match := f.ftsMatch(); match != "" {
			return false
		}
	}
	return len(f.terms) > 0 && f.in.fts != "" && k.key.indexed
}

// fewMatches is the number of matches the trigram index may find for a
// search to skip the probe: sorting that many rows is cheaper than reading
// probeRows in page order.
var fewMatches = 2000

// few tells whether the trigram index finds fewer than fewMatches rows
// holding the search's long terms, before any other condition. Counting
// them stops at fewMatches, so it is cheap for common terms as well.
func (q queries) few(ctx context.Context, f filter) (bool, error) {
	var query string
	var args []any
	if q.dialect == SQLite {
		table, match := f.ftsMatch()
		if match == "" {
			return false, nil
		}
		query = fmt.Sprintf("SELECT rowid FROM %[1]s WHERE %[1]s MATCH ?", table)
		args = []any{match}
	} else {
		// Only the trigram index counts cheaply: counting a common word
		// prefix would evaluate word_prefixes on every row it reads.
		indexed, ok := f.longTerms()
		if !ok {
			return false, nil
		}
		indexed.requireTerms(q.dialect, f.in.text, true)
		query = "SELECT 1 FROM " + f.in.table + indexed.where()
		args = indexed.args
	}
	var n int
	err := q.get(ctx, &n, "SELECT count(*) FROM ("+query+" LIMIT ?) matches", append(args, fewMatches)...)
	return n < fewMatches, err
}

// probeQuery builds the SELECT of a page found among the first n rows in
// page order. When it fills the page, those are the rows the page
// query would return, found without reading every match of a common term
// (which the indexes would do, to sort them).
func (k keyset) probeQuery(d Dialect, columns, from string, f filter, n int) (string, []any) {
	inner := f.clone()
	k.after(&inner)
	innerQuery := "SELECT " + f.in.id + " AS probe_id, " + f.in.text + " AS probe_text FROM " + from +
		inner.where() + k.order() + " LIMIT ?"
	outer := filter{terms: f.terms}
	outer.add(f.in.id + " = probed.probe_id")
	outer.requireTerms(d, "probed.probe_text", false)
	query := "SELECT " + columns + ", " + k.key.expr + " AS sort_key FROM (" + innerQuery +
		") probed CROSS JOIN " + from + outer.where() + k.order() + " LIMIT ?"
	args := append(append(inner.args, n), outer.args...)
	return query, append(args, k.limit+1)
}

// probe runs a probe query. On PostgreSQL it turns parallel query off for
// it alone: a probe reads a few thousand rows in index order, and starting
// workers for that made it 5 times slower (measured at a million rows).
func (q queries) probe(ctx context.Context, dest any, query string, args ...any) error {
	if q.dialect != Postgres {
		return q.selectRows(ctx, dest, query, args...)
	}
	return q.atomic(ctx, func(q queries) error {
		if _, err := q.exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
			return err
		}
		return q.selectRows(ctx, dest, query, args...)
	})
}

// normalize makes a sort key read back the same on both databases: text as
// string, times in UTC, booleans as bool.
func (k keyset) normalize(v any) any {
	switch t := v.(type) {
	case []byte:
		return string(t)
	case time.Time:
		return t.UTC()
	case int64:
		if k.key.boolean {
			return t != 0
		}
	}
	return v
}

// keyed is a row of a list query: the entity with its sort key.
type keyed[T any] interface {
	split() (T, domain.Cursor)
}

// listPage runs the page query of k and returns the page in display order.
func listPage[T any, R keyed[T]](ctx context.Context, q queries, k keyset, columns, from string, f filter) (domain.Page[T], error) {
	var rows []R
	probe := k.probes(q.dialect, f)
	if probe {
		few, err := q.few(ctx, f)
		if err != nil {
			return domain.Page[T]{}, err
		}
		probe = !few
	}
	for n := probeRows; probe && n > 0 && n <= probeRows*probeGrowth && len(rows) <= k.limit; n *= probeGrowth {
		rows = nil
		query, args := k.probeQuery(q.dialect, columns, from, f, n)
		if err := q.probe(ctx, &rows, query, args...); err != nil {
			return domain.Page[T]{}, err
		}
	}
	if len(rows) <= k.limit {
		rows = nil
		query, args := k.query(q.dialect, columns, from, f)
		if err := q.selectRows(ctx, &rows, query, args...); err != nil {
			return domain.Page[T]{}, err
		}
	}
	more := len(rows) > k.limit
	if more {
		rows = rows[:k.limit]
	}
	var page domain.Page[T]
	if k.back {
		slices.Reverse(rows)
		page.HasPrev, page.HasNext = more, true
	} else {
		page.HasPrev, page.HasNext = k.cursor != nil, more
	}
	page.Items = make([]T, 0, len(rows))
	page.Cursors = make([]domain.Cursor, 0, len(rows))
	for _, r := range rows {
		item, cur := r.split()
		cur.Key = k.normalize(cur.Key)
		page.Items = append(page.Items, item)
		page.Cursors = append(page.Cursors, cur)
	}
	return page, nil
}

// countFrom is what a count of from under f reads: the listed table alone
// when no condition reads the others. Every join of a list follows a
// foreign key that is never NULL, or is a LEFT JOIN, so it neither adds
// nor drops rows.
func countFrom(table, from string, f filter) string {
	if f.joined {
		return from
	}
	return table
}

// count counts the rows of from, whose first table is table, that pass f.
func (q queries) count(ctx context.Context, table, from string, f filter) (int, error) {
	from, args, f, _ := f.resolve(q.dialect, countFrom(table, from, f))
	var n int
	err := q.get(ctx, &n, "SELECT count(*) FROM "+from+f.where(), append(args, f.args...)...)
	return n, err
}

// exactBound is how many rows an estimate counts exactly.
var exactBound = 1000

// estimate is a quick answer to a count of from (whose first table is
// table) under f: exact up to exactBound rows; past that PostgreSQL's
// planner estimate, or on SQLite the bound as a lower bound. Counting every
// row of a common term takes a good part of a second at a million rows.
func (q queries) estimate(ctx context.Context, table, from string, f filter) (domain.Estimate, error) {
	from, args, f, _ := f.resolve(q.dialect, countFrom(table, from, f))
	query, args := "SELECT 1 FROM "+from+f.where(), append(args, f.args...)
	if q.dialect == Postgres {
		var plan []byte
		if err := q.get(ctx, &plan, "EXPLAIN (FORMAT JSON) "+query, args...); err != nil {
			return domain.Estimate{}, err
		}
		var explained []struct {
			Plan struct {
				Rows float64 `json:"Plan Rows"`
			} `json:"Plan"`
		}
		if err := json.Unmarshal(plan, &explained); err != nil || len(explained) != 1 {
			return domain.Estimate{}, fmt.Errorf("read the plan of a count: %v", err)
		}
		if rows := int(explained[0].Plan.Rows); rows > 10*exactBound {
			return domain.Estimate{N: rows}, nil
		}
	}
	var n int
	err := q.get(ctx, &n, "SELECT count(*) FROM ("+query+" LIMIT ?) bounded", append(args, exactBound+1)...)
	if err != nil || n <= exactBound {
		return domain.Estimate{N: n, Exact: true}, err
	}
	return domain.Estimate{N: exactBound, AtLeast: true}, nil
}
