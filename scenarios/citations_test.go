package scenarios

import (
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The repository root, seen from this package's directory, where go test
// runs.
const repoRoot = ".."

// dataDir is the folder of the public figures, from the repository root.
const dataDir = "scenarios/data"

var (
	// csvName matches a file name ending in .csv and the path before it
	// ("data/*.csv" included, so that a wildcard citation is caught).
	csvName = regexp.MustCompile(`(?:^|[^A-Za-z0-9_./*-])([A-Za-z0-9_./*-]*\.csv)\b`)
	// rowKeys matches the row keys that may follow a citation:
	// "scenarios/data/users.csv [2023-12]".
	rowKeys = regexp.MustCompile(`^[ \t]*\[([^\]]*)\]`)
	// commentBreak is a line break inside a YAML comment: the next line
	// continues the comment.
	commentBreak = regexp.MustCompile(`\n[ \t]*#`)
)

// citingFile is a file whose text may cite the data.
type citingFile struct {
	path string // from the repository root
	orig string // the file's text
	text string // the text with line breaks inside comments made spaces
	// strict says that every .csv name in the file is a citation (the
	// scenario files); otherwise only names with a data/ folder in them
	// and names of data files are (docs also name output files such as
	// metrics.csv).
	strict bool
}

// calibrateData matches the data: line of a calibrate section and the
// parameter_draws: line: paths the program reads, not citations.
var calibrateData = regexp.MustCompile(`(?m)^(  data|parameter_draws): [^#\n]*`)

// TestDataCitations checks that every citation of a data file in the
// built-in scenarios and the docs names an existing file of scenarios/data
// by its path from the repository root, and that each row key given in
// brackets after it is the first field (period, date or study) of a row
// of that file, or the start of one up to a comma.
func TestDataCitations(t *testing.T) {
	dataNames := dataFileNames(t)
	var files []citingFile
	for _, b := range Builtins() {
		src, err := Template(b.Name)
		if err != nil {
			t.Fatal(err)
		}
		// Join comment lines, keeping offsets, so that a citation and its
		// row keys may wrap.
		text := commentBreak.ReplaceAllStringFunc(string(src), func(m string) string {
			return strings.Repeat(" ", len(m))
		})
		// A calibrate section's data: is a path relative to the file
		// that the fit reads (TestHistoryCalibration), not a citation.
		text = calibrateData.ReplaceAllStringFunc(text, func(m string) string {
			return strings.Repeat(" ", len(m))
		})
		files = append(files, citingFile{path: "scenarios/" + b.Name + ".yaml", text: text, orig: string(src), strict: true})
	}
	for _, path := range docFiles(t) {
		text := readRepoFile(t, path)
		files = append(files, citingFile{path: path, text: strings.ReplaceAll(text, "\n", " "), orig: text})
	}

	rows := map[string][][]string{}
	n := 0
	for _, f := range files {
		for _, m := range csvName.FindAllStringSubmatchIndex(f.text, -1) {
			name := f.text[m[2]:m[3]]
			if !f.strict && !strings.Contains(name, "data/") && !dataNames[filepath.Base(name)] {
				continue
			}
			n++
			where := f.path + ":" + lineOf(f.orig, m[2])
			file, ok := resolveData(f.path, name)
			if !ok {
				t.Errorf("%s: cites %q, want the path of a file in %s from the repository root (such as %s/users.csv)", where, name, dataDir, dataDir)
				continue
			}
			k := rowKeys.FindStringSubmatch(f.text[m[3]:])
			if k == nil {
				continue
			}
			if rows[file] == nil {
				rows[file] = readCSV(t, file)
			}
			for _, key := range strings.Split(k[1], ";") {
				key = strings.Join(strings.Fields(key), " ")
				if !hasRow(rows[file], key) {
					t.Errorf("%s: cites %s [%s]: no row of %s starts with %q", where, name, k[1], file, key)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("found no citations: is the pattern broken?")
	}
}

// TestDocReferences checks that the docs' relative links, and every
// mention of a .md file in the docs, the built-in scenarios and the Go
// sources, name a file of the repository, so that a reader who has only
// the repository can follow each one.
func TestDocReferences(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	mdName := regexp.MustCompile(`(?:^|[^A-Za-z0-9_./-])([A-Za-z.][A-Za-z0-9_./-]*\.md)\b`)
	// Files that interopsim writes, not files of the repository.
	written := map[string]bool{"summary.md": true}

	docs := docFiles(t)
	for _, path := range docs {
		text := readRepoFile(t, path)
		for _, m := range link.FindAllStringSubmatchIndex(text, -1) {
			target := text[m[2]:m[3]]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if !exists(filepath.Join(filepath.Dir(path), target)) {
				t.Errorf("%s:%s: link to %s: no such file", path, lineOf(text, m[2]), target)
			}
		}
	}

	mentioning := append([]string(nil), docs...)
	for _, b := range Builtins() {
		mentioning = append(mentioning, "scenarios/"+b.Name+".yaml")
	}
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && p != repoRoot) {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel(repoRoot, p)
			mentioning = append(mentioning, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range mentioning {
		text := readRepoFile(t, path)
		for _, m := range mdName.FindAllStringSubmatchIndex(text, -1) {
			name := text[m[2]:m[3]]
			if written[name] {
				continue
			}
			if !exists(filepath.Join(filepath.Dir(path), name)) && !exists(name) {
				t.Errorf("%s:%s: mentions %s: no such file in the repository", path, lineOf(text, m[2]), name)
			}
		}
	}
}

// docFiles returns README.md, docs/*.md and the data's READMEs, from the
// repository root.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md (%v)", err)
	}
	paths := []string{"README.md", dataDir + "/README.md", dataDir + "/history/README.md"}
	for _, d := range docs {
		paths = append(paths, "docs/"+filepath.Base(d))
	}
	return paths
}

// dataFileNames returns the base names of the files under scenarios/data.
func dataFileNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(repoRoot, dataDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".csv") {
			names[d.Name()] = true
		}
		return err
	})
	if err != nil || len(names) == 0 {
		t.Fatalf("no CSV files in %s (%v)", dataDir, err)
	}
	return names
}

// resolveData returns the data file that name, cited in the file at path,
// stands for: a path from the repository root, or in the data folder's
// own READMEs and docs a path relative to the citing file.
func resolveData(path, name string) (string, bool) {
	candidates := []string{name}
	if !strings.HasSuffix(path, ".yaml") {
		candidates = append(candidates, filepath.ToSlash(filepath.Join(filepath.Dir(path), name)))
	}
	for _, c := range candidates {
		if strings.HasPrefix(c, dataDir+"/") && !strings.Contains(c, "*") && exists(c) {
			return c, true
		}
	}
	return "", false
}

func TestHasRow(t *testing.T) {
	rows := [][]string{
		{"period", "value"},
		{"2024-06", "970"},
		{"2024-10 (late)", ""},
		{"Bian, Cong & Ji, 'The Rise of E-Wallets'", ""},
	}
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"2024-06", true},
		{"2024", false}, // a year is not its months
		{"2024-10 (late)", true},
		{"2024-10", false},
		{"Bian, Cong & Ji", true},
		{"Bian, Cong", false}, // up to a comma in the field, not in the key
		{"period", false},     // the header is not a row
	} {
		if got := hasRow(rows, tc.key); got != tc.want {
			t.Errorf("hasRow(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

// hasRow reports whether the first field of a row is key, or starts with
// key followed by a comma (a study cited by its authors).
func hasRow(rows [][]string, key string) bool {
	for _, r := range rows[1:] {
		if r[0] == key || strings.HasPrefix(r[0], key+",") {
			return true
		}
	}
	return false
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(path string) bool {
	_, err := os.Stat(filepath.Join(repoRoot, path))
	return err == nil
}

func lineOf(text string, off int) string {
	return strconv.Itoa(strings.Count(text[:off], "\n") + 1)
}
