package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareDir(t *testing.T) {
	summary := func(name string) string {
		return `{"provenance": {"scenario": "` + name + `", "seed": 1}, "moments": []}` + "\n"
	}
	for _, tc := range []struct {
		name  string
		files map[string]string // existing files; a name ending in / is a directory
		force bool
		want  string // start of the error, or "" for none
		inUse bool   // whether the error is a *DirInUseError
	}{
		{name: "missing"},
		{name: "empty", files: map[string]string{}},
		{name: "same scenario", files: map[string]string{
			MetricsFile: "run\n", SummaryFile: summary("flagship"), ScenarioFile: "name: flagship\n",
			".interopsim-metrics.csv.123.tmp": "",
		}},
		{name: "other scenario", files: map[string]string{MetricsFile: "", SummaryFile: summary("walled")},
			want: `output directory D holds results of scenario "walled"`, inUse: true},
		{name: "other scenario forced", files: map[string]string{SummaryFile: summary("walled")}, force: true},
		{name: "foreign files", files: map[string]string{
			MetricsFile: "", "notes.txt": "", "a.png": "", "b/": "", "c.csv": "",
		}, want: "output directory D holds files that are not interopsim results: a.png, b/, c.csv and 1 more", inUse: true},
		{name: "foreign files forced", files: map[string]string{"notes.txt": ""}, force: true},
		{name: "results without summary", files: map[string]string{MetricsFile: ""},
			want: "output directory D holds interopsim results without summary.json", inUse: true},
		{name: "foreign summary", files: map[string]string{SummaryFile: `{"name": "x"}`},
			want: "output directory D holds a summary.json that is not an interopsim summary", inUse: true},
		{name: "broken summary", files: map[string]string{SummaryFile: `{`},
			want: "output directory D holds a summary.json that is not an interopsim summary", inUse: true},
		{name: "same scenario with plots", files: map[string]string{
			MetricsFile: "run\n", SummaryFile: summary("flagship"),
			"plots/adoption.png": "", "plots/headline.svg": "", "plots/headline.pdf": "",
			"plots/.interopsim-adoption.png.1.tmp": "",
		}},
		{name: "plots only", files: map[string]string{"plots/adoption.png": ""},
			want: "output directory D holds interopsim results without summary.json", inUse: true},
		{name: "foreign file in plots", files: map[string]string{
			SummaryFile: summary("flagship"), "plots/adoption.png": "", "plots/notes.txt": "", "plots/old/": "",
		}, want: "output directory D holds files that are not interopsim results: plots/notes.txt, plots/old/", inUse: true},
		{name: "plots of another scenario", files: map[string]string{SummaryFile: summary("walled"), "plots/a.png": ""},
			want: `output directory D holds results of scenario "walled"`, inUse: true},
		{name: "summary is a directory", files: map[string]string{SummaryFile + "/": ""},
			want: "output directory D holds files that are not interopsim results: summary.json/", inUse: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "flagship")
			if tc.files != nil {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for name, s := range tc.files {
				n, isDir := strings.CutSuffix(name, "/")
				path := filepath.Join(dir, filepath.FromSlash(n))
				err := os.MkdirAll(filepath.Dir(path), 0o755)
				if isDir && err == nil {
					err = os.Mkdir(path, 0o755)
				} else if err == nil {
					err = os.WriteFile(path, []byte(s), 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			err := PrepareDir(dir, "flagship", tc.force)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
					t.Errorf("directory not created: %v", err)
				}
				return
			}
			want := strings.ReplaceAll(tc.want, "D", dir)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("got %v, want %q", err, want)
			}
			var inUse *DirInUseError
			if errors.As(err, &inUse) != tc.inUse {
				t.Errorf("got error type %T, want *DirInUseError: %v", err, tc.inUse)
			}
		})
	}
}

func TestPrepareDirNotADirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		err := PrepareDir(path, "x", force)
		if err == nil || !strings.Contains(err.Error(), "is not a directory") {
			t.Errorf("force %v: got %v, want an error saying it is not a directory", force, err)
		}
	}
}
