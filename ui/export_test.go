package ui

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// x writes what the tab shows, searched, filtered and sorted, to a new file
// in the download folder, and says where.
func TestExportKeyWritesTheTab(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DOWNLOAD_DIR", "")
	if err := os.Mkdir(filepath.Join(home, "Downloads"), 0o700); err != nil {
		t.Fatal(err)
	}
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Zoé Martin", "zoe@example.com")
	f.client(t, "=Evil Formula", "evil@example.com")
	f.client(t, "Anna Martin", "anna@example.com")
	h := signedInHarness(t, app, f.admin)
	h.key("?")
	h.mustSee("x export")
	h.key("?")
	h.key("/")
	h.typ("martin")
	h.key("enter")
	h.key("s") // sort by full name
	h.mustSee("Anna Martin")
	h.key("x")
	h.mustSee("exported 2 rows to ~/Downloads/epic-tui-clients-")

	files, _ := filepath.Glob(filepath.Join(home, "Downloads", "epic-tui-clients-*.csv"))
	if len(files) != 1 {
		t.Fatalf("files written: %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][1] != "full_name" || rows[1][1] != "Anna Martin" || rows[2][1] != "Zoé Martin" || rows[1][5] != "sam" {
		t.Fatalf("exported file:\n%s", b)
	}

	// A second export in the same minute does not overwrite the first;
	// without a Downloads folder the home folder takes it.
	os.Rename(filepath.Join(home, "Downloads"), filepath.Join(home, "old"))
	h.key("1")
	h.key("x")
	h.mustSee("exported 2 rows to ~/epic-tui-clients-")
	t.Setenv("XDG_DOWNLOAD_DIR", filepath.Join(home, "old"))
	h.key("x")
	h.mustSee("exported 2 rows to ~/old/epic-tui-clients-", "-2.csv")
}
