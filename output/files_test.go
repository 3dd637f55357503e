package output

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func failing(w io.Writer) error {
	io.WriteString(w, "partial")
	return errors.New("disk on fire")
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := WriteFile(path, writeString("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, writeString("two")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "two" {
		t.Errorf("got %q, want %q", got, "two")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode: got %v, want 0644", fi.Mode().Perm())
	}

	err = WriteFile(path, failing)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want an error naming %s and the cause", err, path)
	}
	if got := readString(t, path); got != "two" {
		t.Errorf("after a failed write: got %q, want the old content %q", got, "two")
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"a.txt"}) {
		t.Errorf("files left: got %v, want [a.txt]", got)
	}

	if err := WriteFile(filepath.Join(dir, "missing", "b.txt"), writeString("x")); err == nil {
		t.Errorf("writing into a missing directory: got no error")
	}
}

// listTree returns the paths of the files under dir, relative to it with
// slashes, sorted; an empty directory is listed as "name/".
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() {
			names = append(names, rel)
		} else if entries, _ := os.ReadDir(path); len(entries) == 0 {
			names = append(names, rel+"/")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

func TestWriteFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []File
		wantErr string
		want    map[string]string // content of every file afterwards
	}{
		{
			name:  "all written",
			files: []File{{"a", writeString("A2")}, {"b", writeString("B2")}},
			want:  map[string]string{"a": "A2", "b": "B2", "old": "O"},
		},
		{
			name:    "last fails",
			files:   []File{{"a", writeString("A2")}, {"b", writeString("B2")}, {"c", failing}},
			wantErr: "disk on fire",
			want:    map[string]string{"a": "A1", "old": "O"},
		},
		{
			name:    "first fails",
			files:   []File{{"a", failing}, {"b", writeString("B2")}},
			wantErr: "write ",
			want:    map[string]string{"a": "A1", "old": "O"},
		},
		{
			name:  "subdirectories",
			files: []File{{"a", writeString("A2")}, {"x/b", writeString("B2")}, {"x/y/c", writeString("C2")}},
			want:  map[string]string{"a": "A2", "old": "O", "x/b": "B2", "x/y/c": "C2"},
		},
		{
			name:    "subdirectory removed on error",
			files:   []File{{"a", writeString("A2")}, {"x/y/b", writeString("B2")}, {"c", failing}},
			wantErr: "disk on fire",
			want:    map[string]string{"a": "A1", "old": "O"},
		},
		{
			name:    "name leaving the directory",
			files:   []File{{"a", writeString("A2")}, {"../b", writeString("B2")}},
			wantErr: `bad file name "../b"`,
			want:    map[string]string{"a": "A1", "old": "O"},
		},
		{
			name:    "unclean name",
			files:   []File{{"a", writeString("A2")}, {"x//b", writeString("B2")}},
			wantErr: `bad file name "x//b"`,
			want:    map[string]string{"a": "A1", "old": "O"},
		},
		{
			name:    "absolute name",
			files:   []File{{"/tmp/b", writeString("B2")}},
			wantErr: `bad file name "/tmp/b"`,
			want:    map[string]string{"a": "A1", "old": "O"},
		},
		{
			name:    "name twice",
			files:   []File{{"a", writeString("A2")}, {"a", writeString("A3")}},
			wantErr: "a given twice",
			want:    map[string]string{"a": "A1", "old": "O"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, s := range map[string]string{"a": "A1", "old": "O"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFiles(dir, tc.files)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
			var want []string
			for name := range tc.want {
				want = append(want, name)
			}
			slices.Sort(want)
			if got := listTree(t, dir); !slices.Equal(got, want) {
				t.Fatalf("files: got %v, want %v", got, want)
			}
			for name, s := range tc.want {
				if got := readString(t, filepath.Join(dir, name)); got != s {
					t.Errorf("%s: got %q, want %q", name, got, s)
				}
			}
		})
	}
}
