package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// sortKey is an expression a list may be ordered by. It must never be NULL:
// keyset comparisons with NULL match nothing.
type sortKey struct {
	expr    string
	boolean bool // SQLite hands booleans back as integers
}

// filter collects the conditions of a WHERE clause and their arguments.
// A list and its count share one, so they always agree.
type filter struct {
	conds []string
	args  []any
}

// add requires cond, whose ? placeholders take args.
func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// search requires every term of the search text in the text expression.
// The stored search text is folded the same way as the terms.
func (f *filter) search(text, search string) {
	for _, term := range domain.SearchTerms(search) {
		f.add("("+text+`) LIKE ? ESCAPE '\'`, "%"+escapeLike(term)+"%")
	}
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

// query builds the SELECT of one page: columns and from as the entity's
// queries write them, then the filter, the cursor, the order and the limit.
// One more row than the page holds is fetched, to know whether more follow.
func (k keyset) query(columns, from string, f filter) (string, []any) {
	f = filter{conds: slices.Clone(f.conds), args: slices.Clone(f.args)}
	cmp, dir := ">", "ASC"
	if k.desc {
		cmp, dir = "<", "DESC"
	}
	if k.cursor != nil {
		f.add(fmt.Sprintf("(%s, %s) %s (?, ?)", k.key.expr, k.id, cmp), k.cursor.Key, k.cursor.ID)
	}
	query := "SELECT " + columns + ", " + k.key.expr + " AS sort_key FROM " + from + f.where() +
		fmt.Sprintf(" ORDER BY %s %s, %s %s LIMIT ?", k.key.expr, dir, k.id, dir)
	return query, append(f.args, k.limit+1)
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
	query, args := k.query(columns, from, f)
	var rows []R
	if err := q.selectRows(ctx, &rows, query, args...); err != nil {
		return domain.Page[T]{}, err
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

// count counts the rows of from that pass f.
func (q queries) count(ctx context.Context, from string, f filter) (int, error) {
	var n int
	err := q.get(ctx, &n, "SELECT count(*) FROM "+from+f.where(), f.args...)
	return n, err
}
