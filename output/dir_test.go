package output

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testJob is a job whose results the tests write; otherJob has other
// inputs.
var (
	testJob  = Job{Scenario: "flagship", File: "builtin:flagship", ResolvedSHA256: "aaaa", Seed: 1, Agents: 100, Engine: "agents", Runs: 1}
	otherJob = Job{Scenario: "flagship", File: "variant-b.yaml", ResolvedSHA256: "bbbb", Seed: 2, Agents: 100, Engine: "agents", Runs: 1}
)

// writeJob writes the files named (content: their name) as the results
// of job into dir, the way run and compare do.
func writeJob(t *testing.T, dir string, job Job, names ...string) {
	t.Helper()
	d, err := PrepareDir(dir, job, append(slices.Clone(names), SummaryFile), true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var files []File
	for _, n := range names {
		files = append(files, File{Name: n, Write: func(w io.Writer) error { _, err := io.WriteString(w, n); return err }})
	}
	s := &Summary{Provenance: Provenance{Scenario: job.Scenario, ScenarioFile: job.File, ResolvedSHA256: job.ResolvedSHA256,
		Seed: job.Seed, Agents: job.Agents, Engine: job.Engine, Runs: job.Runs}}
	if err := d.WriteJob(context.Background(), files, s); err != nil {
		t.Fatal(err)
	}
}

// put writes content at the relative path name of dir, making parents.
func put(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPrepareDir(t *testing.T) {
	results := []string{MetricsFile, ScenarioFile, "plots/headline.png", "plots/headline.svg"}
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, dir string)
		job     Job
		force   bool
		want    string   // substring of the error, or "" for none
		force2  bool     // whether the error is one --force would lift
		foreign []string // Foreign() when accepted
	}{
		{name: "missing", job: testJob},
		{name: "empty", setup: func(t *testing.T, dir string) { os.MkdirAll(dir, 0o755) }, job: testJob},
		{name: "same job", setup: func(t *testing.T, dir string) {
			writeJob(t, dir, testJob, results...)
			put(t, dir, ".interopsim-metrics.csv.123.tmp", "")
		}, job: testJob},
		{name: "same job, another source file", setup: func(t *testing.T, dir string) { writeJob(t, dir, testJob, results...) },
			job: Job{Scenario: "flagship", File: "out/flagship/scenario.yaml", ResolvedSHA256: "aaaa", Seed: 1, Agents: 100, Engine: "agents", Runs: 1}},
		{name: "other job", setup: func(t *testing.T, dir string) { writeJob(t, dir, otherJob, results...) }, job: testJob,
			want:   "holds the results of another run of scenario flagship (file variant-b.yaml, resolved SHA-256 bbbb, seed 2, 100 agents, agents engine, 1 run), which this run of scenario flagship (file builtin:flagship, resolved SHA-256 aaaa, seed 1",
			force2: true},
		{name: "other engine", setup: func(t *testing.T, dir string) { writeJob(t, dir, testJob, results...) },
			job:  Job{Scenario: "flagship", File: "builtin:flagship", ResolvedSHA256: "aaaa", Seed: 1, Agents: 100, Engine: "meanfield", Runs: 1},
			want: "holds the results of another run", force2: true},
		{name: "other runs", setup: func(t *testing.T, dir string) { writeJob(t, dir, testJob, results...) },
			job:  Job{Scenario: "flagship", File: "builtin:flagship", ResolvedSHA256: "aaaa", Seed: 1, Agents: 100, Engine: "agents", Runs: 20},
			want: "holds the results of another run", force2: true},
		{name: "other job forced", setup: func(t *testing.T, dir string) { writeJob(t, dir, otherJob, results...) }, job: testJob, force: true},
		{name: "user files are left alone", setup: func(t *testing.T, dir string) {
			writeJob(t, dir, testJob, results...)
			put(t, dir, "notes.txt", "mine")
			put(t, dir, "plots/headline.pdf", "mine")
			put(t, dir, "drafts/fig.png", "mine")
		}, job: testJob, foreign: []string{"drafts/", "notes.txt", "plots/headline.pdf"}},
		{name: "an edited figure not written again is left alone", setup: func(t *testing.T, dir string) {
			writeJob(t, dir, testJob, append(results, "plots/adoption.svg")...)
			put(t, dir, "plots/adoption.svg", "edited by hand")
		}, job: testJob, foreign: []string{"plots/adoption.svg"}},
		{name: "an edited figure written again", setup: func(t *testing.T, dir string) {
			writeJob(t, dir, testJob, results...)
			put(t, dir, "plots/headline.svg", "edited by hand")
		}, job: testJob, want: "holds plots/headline.svg, which interopsim did not write or which changed since it wrote it, and this job would replace or write through it"},
		{name: "an edited figure written again, forced", setup: func(t *testing.T, dir string) {
			writeJob(t, dir, testJob, results...)
			put(t, dir, "plots/headline.svg", "edited by hand")
		}, job: testJob, force: true, want: "holds plots/headline.svg, which interopsim did not write"},
		{name: "user file where a result goes", setup: func(t *testing.T, dir string) {
			put(t, dir, MetricsFile, "mine")
			put(t, dir, "plots/headline.png", "mine")
		}, job: testJob, force: true, want: "holds metrics.csv, plots/headline.png, which interopsim did not write"},
		{name: "results of an interopsim without a record", setup: func(t *testing.T, dir string) {
			put(t, dir, MetricsFile, "run\n")
			put(t, dir, SummaryFile, `{"provenance": {"scenario": "flagship", "seed": 1}, "moments": []}`)
		}, job: testJob, want: "holds metrics.csv, summary.json, which interopsim did not write"},
		{name: "foreign summary", setup: func(t *testing.T, dir string) { put(t, dir, SummaryFile, `{"name": "x"}`) },
			job: testJob, force: true, want: "holds summary.json, which interopsim did not write"},
		{name: "broken summary", setup: func(t *testing.T, dir string) { put(t, dir, SummaryFile, `{`) },
			job: testJob, want: "holds summary.json, which interopsim did not write"},
		{name: "a symlink where a figure goes", setup: func(t *testing.T, dir string) {
			writeJob(t, dir, testJob, results...)
			target := filepath.Join(filepath.Dir(dir), "elsewhere.png")
			put(t, filepath.Dir(dir), "elsewhere.png", "plots/headline.png")
			os.Remove(filepath.Join(dir, "plots", "headline.png"))
			if err := os.Symlink(target, filepath.Join(dir, "plots", "headline.png")); err != nil {
				t.Fatal(err)
			}
		}, job: testJob, force: true, want: "holds plots/headline.png, which interopsim did not write"},
		{name: "plots is a symlink to another directory", setup: func(t *testing.T, dir string) {
			elsewhere := filepath.Join(filepath.Dir(dir), "elsewhere")
			put(t, elsewhere, "headline.png", "not interopsim's")
			os.MkdirAll(dir, 0o755)
			if err := os.Symlink(elsewhere, filepath.Join(dir, PlotsDir)); err != nil {
				t.Fatal(err)
			}
		}, job: testJob, force: true, want: "holds plots, which interopsim did not write or which changed since it wrote it, and this job would replace or write through it"},
		{name: "summary is a directory", setup: func(t *testing.T, dir string) { os.MkdirAll(filepath.Join(dir, SummaryFile), 0o755) },
			job: testJob, force: true, want: "holds summary.json, which interopsim did not write"},
		{name: "a directory of the user's is left alone", setup: func(t *testing.T, dir string) { put(t, dir, "analysis/fig.png", "mine") },
			job: testJob, foreign: []string{"analysis/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "flagship")
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			d, err := PrepareDir(dir, tc.job, append(slices.Clone(results), SummaryFile), tc.force)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
					t.Errorf("directory not created: %v", err)
				}
				if got := d.Foreign(); !slices.Equal(got, tc.foreign) {
					t.Errorf("got foreign files %q, want %q", got, tc.foreign)
				}
				return
			}
			var inUse *DirInUseError
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &inUse) {
				t.Fatalf("got %v, want a *DirInUseError saying %q", err, tc.want)
			}
			if inUse.Forceable != tc.force2 {
				t.Errorf("got Forceable %v, want %v", inUse.Forceable, tc.force2)
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
		_, err := PrepareDir(path, testJob, nil, force)
		if err == nil || !strings.Contains(err.Error(), "is not a directory") {
			t.Errorf("force %v: got %v, want an error saying it is not a directory", force, err)
		}
	}
}

// TestWriteJobRemovesOnlyItsOwn reruns a job with fewer files into a
// directory where the user added and edited files: the earlier job's
// unchanged files that are not written again go, everything else stays.
func TestWriteJobRemovesOnlyItsOwn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	writeJob(t, dir, testJob, MetricsFile, RunsFile, "plots/a.png", "plots/a.svg", "plots/b.svg")
	put(t, dir, "plots/a.pdf", "mine")
	put(t, dir, "plots/a.svg", "edited")
	put(t, dir, "notes.txt", "mine")

	writeJob(t, dir, testJob, MetricsFile, "plots/a.png")
	got := listTree(t, dir)
	want := []string{MetricsFile, "notes.txt", "plots/a.pdf", "plots/a.png", "plots/a.svg", SummaryFile}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if s := readString(t, filepath.Join(dir, "plots", "a.svg")); s != "edited" {
		t.Errorf("the edited plots/a.svg holds %q, want it left as the user left it", s)
	}
	s, err := ReadSummary(strings.NewReader(readString(t, filepath.Join(dir, SummaryFile))), SummaryFile)
	if err != nil {
		t.Fatal(err)
	}
	var recorded []string
	for _, r := range s.Files {
		recorded = append(recorded, r.Name)
		if ok, err := matches(dir, r); err != nil || !ok {
			t.Errorf("record %+v does not match the file on disk (%v)", r, err)
		}
	}
	if want := []string{MetricsFile, "plots/a.png"}; !slices.Equal(recorded, want) {
		t.Errorf("summary.json records %q, want %q", recorded, want)
	}
}

// TestWriteJobRecheck: a file the user puts where a result goes while
// the job runs stops the write, and nothing is written.
func TestWriteJobRecheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	d, err := PrepareDir(dir, testJob, []string{MetricsFile, SummaryFile}, false)
	if err != nil {
		t.Fatal(err)
	}
	put(t, dir, MetricsFile, "mine")
	err = d.WriteJob(context.Background(), []File{{Name: MetricsFile, Write: func(w io.Writer) error { return nil }}}, &Summary{})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("got %v, want a refusal saying nothing was written", err)
	}
	d.Close()
	if got := listTree(t, dir); !slices.Equal(got, []string{MetricsFile}) {
		t.Errorf("directory holds %q, want only the user's metrics.csv", got)
	}
	if s := readString(t, filepath.Join(dir, MetricsFile)); s != "mine" {
		t.Errorf("metrics.csv holds %q, want the user's", s)
	}
}

// TestWriteFigures: figures drawn into a run's directory join its record,
// so the next run may replace them; figures drawn elsewhere get a record
// of their own; neither replaces a file interopsim did not write.
func TestWriteFigures(t *testing.T) {
	fig := func(name string) []File {
		return []File{{Name: name, Write: func(w io.Writer) error { _, err := io.WriteString(w, "drawn"); return err }}}
	}
	t.Run("run directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "run")
		writeJob(t, dir, testJob, MetricsFile, "plots/a.png")
		d, err := PrepareFigureDir(dir, []string{"plots/a.pdf"})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteFigures(context.Background(), fig("a.pdf"), "plots/"); err != nil {
			t.Fatal(err)
		}
		d2, err := PrepareDir(dir, testJob, []string{MetricsFile, SummaryFile, "plots/a.png", "plots/a.pdf"}, false)
		if err != nil {
			t.Fatalf("a run after plot: %v", err)
		}
		if len(d2.Foreign()) != 0 {
			t.Errorf("got foreign files %q after plot, want none", d2.Foreign())
		}
	})
	t.Run("other directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "paper")
		put(t, dir, "mine.png", "mine")
		d, err := PrepareFigureDir(dir, []string{"a.png"})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteFigures(context.Background(), fig("a.png"), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := PrepareFigureDir(dir, []string{"a.png"}); err != nil {
			t.Errorf("redrawing its own figure: %v", err)
		}
		if _, err := PrepareFigureDir(dir, []string{"mine.png"}); err == nil || !strings.Contains(err.Error(), "mine.png, which interopsim did not write") {
			t.Errorf("drawing over the user's figure: got %v, want a refusal", err)
		}
		put(t, dir, "a.png", "edited")
		if _, err := PrepareFigureDir(dir, []string{"a.png"}); err == nil {
			t.Errorf("drawing over an edited figure: got no error")
		}
	})
}
