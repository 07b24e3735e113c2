package ui

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
)

// tabView is what a tab remembers between launches: its quick filters, its
// sort and its search.
type tabView struct {
	Filters []string `json:"filters,omitempty"`
	Sort    string   `json:"sort,omitempty"`
	Desc    bool     `json:"desc,omitempty"`
	Search  string   `json:"search,omitempty"`
}

func (v tabView) equal(w tabView) bool {
	return slices.Equal(v.Filters, w.Filters) && v.Sort == w.Sort && v.Desc == w.Desc && v.Search == w.Search
}

// viewsFile keeps each person's tab views in one small JSON file, keyed by
// database instance and user id: the same file serves several databases
// and several people on one machine. It holds no record data.
type viewsFile struct {
	path string // "" remembers nothing
	key  string
	last *viewsSaves
}

// viewsSaves orders the saves of one screen: they run in commands, at the
// same time, and an older one must not overwrite a newer one.
type viewsSaves struct {
	mu      sync.Mutex
	asked   int
	written int
}

// viewsDoc is the file's content: key → tab title → view.
type viewsDoc map[string]map[string]tabView

func newViewsFile(path, instance string, userID int64) viewsFile {
	return viewsFile{path: path, key: instance + "/" + strconv.FormatInt(userID, 10), last: &viewsSaves{}}
}

// load returns the remembered views by tab title. A missing or unreadable
// file is no error worth showing: the tabs start with their defaults.
func (f viewsFile) load() map[string]tabView {
	doc, _ := f.read()
	return doc[f.key]
}

func (f viewsFile) read() (viewsDoc, error) {
	doc := viewsDoc{}
	if f.path == "" {
		return doc, nil
	}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return doc, nil
	}
	if err != nil {
		return doc, err
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		// A damaged file is replaced by the next save.
		return viewsDoc{}, nil
	}
	return doc, nil
}

// saver returns the function that saves views, numbered now so that it
// does nothing if a later one has saved already.
func (f viewsFile) saver(views map[string]tabView) func() error {
	f.last.mu.Lock()
	f.last.asked++
	n := f.last.asked
	f.last.mu.Unlock()
	return func() error {
		f.last.mu.Lock()
		defer f.last.mu.Unlock()
		if n < f.last.written {
			return nil
		}
		f.last.written = n
		return f.save(views)
	}
}

// save writes views for this person, keeping the others' entries. The file
// is replaced whole (written aside, then renamed), so a crash never leaves
// half of it.
func (f viewsFile) save(views map[string]tabView) error {
	if f.path == "" {
		return nil
	}
	doc, err := f.read()
	if err != nil {
		return err
	}
	doc[f.key] = views
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".views-*.json")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// view is what the tab would remember now. A record's scope (c, v) is a
// passing visit, not remembered.
func (l *listModel) view() tabView {
	return tabView{Filters: slices.Clone(l.query.filters), Sort: l.query.page.Sort, Desc: l.query.page.Desc, Search: l.query.page.Search}
}

// restore sets the tab's query to a remembered view, before its first load.
// Filters the role is no longer offered are dropped.
func (l *listModel) restore(v tabView) {
	offered := l.spec.filters(l.sh.user.Role)
	l.query.filters = nil
	for _, o := range offered {
		if o.id != "" && slices.Contains(v.Filters, o.id) {
			l.query.filters = append(l.query.filters, o.id)
		}
	}
	if slices.Contains(l.spec.sorts, v.Sort) {
		l.query.page.Sort = v.Sort
	}
	l.query.page.Desc = v.Desc
	l.query.page.Search = v.Search
	l.search.input.SetValue(v.Search)
	l.layout()
}
