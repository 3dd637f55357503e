package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/output"
)

// tinyIn copies testdata/tiny.yaml into dir as name, with the
// replacements old, new, ... made, and returns name.
func tinyIn(t *testing.T, dir, name string, replace ...string) string {
	t.Helper()
	b := readFile(t, tiny)
	s := strings.NewReplacer(replace...).Replace(string(b))
	if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// binaryOK runs the binary and fails the test unless it exits 0.
func binaryOK(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, stdout, stderr := runBinary(t, dir, args...)
	if code != exitOK {
		t.Fatalf("interopsim %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// TestRerunKeepsUserFiles is the reported loss of work: a figure the user
// added to plots/ and one they edited by hand survive a rerun, and a run
// that would have to replace the edited one is refused before it runs.
func TestRerunKeepsUserFiles(t *testing.T) {
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "X", "--format", "png,svg", "-q")
	mine := filepath.Join(work, "X", "plots", "headline.pdf")
	edited := filepath.Join(work, "X", "plots", "headline.svg")
	if err := os.WriteFile(mine, []byte("%PDF my own figure"), 0o644); err != nil {
		t.Fatal(err)
	}
	svg := string(readFile(t, edited)) + "<!-- edited by hand -->\n"
	if err := os.WriteFile(edited, []byte(svg), 0o644); err != nil {
		t.Fatal(err)
	}

	stdout := binaryOK(t, work, "run", sc, "--out", "X")
	if got := string(readFile(t, mine)); got != "%PDF my own figure" {
		t.Errorf("plots/headline.pdf: got %q, want the user's file untouched", got)
	}
	if got := string(readFile(t, edited)); got != svg {
		t.Errorf("plots/headline.svg: the hand edit is lost")
	}
	if !strings.Contains(squash(stdout), "left alone 2 files that interopsim did not write: plots/headline.pdf, plots/headline.svg") {
		t.Errorf("the report does not say which files it left alone:\n%s", stdout)
	}
	// The other SVGs were interopsim's, unchanged: a PNG-only rerun
	// removes them.
	if _, err := os.Stat(filepath.Join(work, "X", "plots", "adoption.svg")); err == nil {
		t.Errorf("plots/adoption.svg of the earlier run is still there")
	}

	before := snapshot(t, filepath.Join(work, "X"))
	for _, force := range []bool{false, true} {
		args := []string{"run", sc, "--out", "X", "--format", "svg"}
		if force {
			args = append(args, "--force")
		}
		code, _, stderr := runBinary(t, work, args...)
		if code != exitFailure || !strings.Contains(stderr, "holds plots/headline.svg, which interopsim did not write or which changed since it wrote it") {
			t.Errorf("%v: got exit %d, %q; want 1 and a refusal naming plots/headline.svg", args, code, stderr)
		}
		if after := snapshot(t, filepath.Join(work, "X")); !reflect.DeepEqual(after, before) {
			t.Errorf("%v: the refused run changed the directory", args)
		}
	}
}

// TestRunOverComparison: a run into a comparison's directory is refused,
// naming the comparison; with --force it replaces the comparison's own
// files (all of them, so no baseline.csv is left beside a run's results)
// and nothing of the user's.
func TestRunOverComparison(t *testing.T) {
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "compare", sc, "--out", "C", "--runs", "2", "--at", "1m", "-q", "--no-plots")
	user := filepath.Join(work, "C", "my-analysis.csv")
	if err := os.WriteFile(user, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, filepath.Join(work, "C"))
	code, _, stderr := runBinary(t, work, "run", sc, "--out", "C", "--no-plots")
	if code != exitFailure || !strings.Contains(stderr, "holds the results of another comparison of scenario tiny") ||
		!strings.Contains(stderr, "--force to replace them") {
		t.Fatalf("got exit %d, %q; want 1 and a refusal naming the comparison", code, stderr)
	}
	if after := snapshot(t, filepath.Join(work, "C")); !reflect.DeepEqual(after, before) {
		t.Errorf("the refused run changed the directory")
	}

	// A file of the user's named like a result stops even --force.
	runs := filepath.Join(work, "C", output.RunsFile)
	if err := os.WriteFile(runs, []byte("my replicates"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runBinary(t, work, "run", sc, "--out", "C", "--no-plots", "--runs", "2", "--keep-runs", "--force")
	if code != exitFailure || !strings.Contains(stderr, "holds runs.csv, which interopsim did not write") {
		t.Errorf("got exit %d, %q; want 1 and a refusal naming runs.csv", code, stderr)
	}
	os.Remove(runs)

	binaryOK(t, work, "run", sc, "--out", "C", "--no-plots", "--force", "-q")
	for _, name := range []string{output.BaselineFile, output.EffectsFile, output.EffectsAtFile, output.BaselineScenarioFile} {
		if _, err := os.Stat(filepath.Join(work, "C", name)); err == nil {
			t.Errorf("%s of the replaced comparison is still there", name)
		}
	}
	if got := string(readFile(t, user)); got != "mine" {
		t.Errorf("my-analysis.csv: got %q, want the user's file untouched", got)
	}
}

// TestDefaultDirectories: two scenario files that share a name, and runs
// with different flags, never replace each other's results.
func TestDefaultDirectories(t *testing.T) {
	work := t.TempDir()
	a := tinyIn(t, work, "variant-a.yaml")
	b := tinyIn(t, work, "variant-b.yaml", "seed: 7", "seed: 8")

	binaryOK(t, work, "run", a, "-q", "--no-plots")
	first := snapshot(t, filepath.Join(work, "out", "tiny"))
	code, _, stderr := runBinary(t, work, "run", b, "--no-plots")
	for _, want := range []string{
		"output directory out/tiny holds the results of another run of scenario tiny (file variant-a.yaml, resolved SHA-256 ",
		", seed 7, 300 agents, agents engine, 1 run), which this run of scenario tiny (file variant-b.yaml",
		"to keep both, choose another directory (--out out/tiny-2), or give --force to replace them",
	} {
		if code != exitFailure || !strings.Contains(stderr, want) {
			t.Errorf("run variant-b.yaml: got exit %d, %q; want 1 and %q", code, stderr, want)
		}
	}
	if after := snapshot(t, filepath.Join(work, "out", "tiny")); !reflect.DeepEqual(after, first) {
		t.Errorf("the refused run changed out/tiny")
	}

	// The same run again replaces its own results.
	binaryOK(t, work, "run", a, "-q", "--no-plots")
	first = snapshot(t, filepath.Join(work, "out", "tiny"))
	// Flags that change the results get their own default directory.
	for _, tc := range []struct {
		args []string
		dir  string
	}{
		{[]string{"--engine", "meanfield"}, "tiny-meanfield"},
		{[]string{"--runs", "2"}, "tiny-runs2"},
		{[]string{"--seed", "9", "--agents", "3k"}, "tiny-seed9-agents3k"},
	} {
		binaryOK(t, work, append([]string{"run", a, "-q", "--no-plots"}, tc.args...)...)
		s := readSummary(t, filepath.Join(work, "out", tc.dir))
		if s.Provenance.ScenarioFile != a {
			t.Errorf("%v: out/%s holds a run of %s, want %s", tc.args, tc.dir, s.Provenance.ScenarioFile, a)
		}
	}
	if after := snapshot(t, filepath.Join(work, "out", "tiny")); !reflect.DeepEqual(after, first) {
		t.Errorf("runs with other flags changed out/tiny")
	}
	binaryOK(t, work, "compare", a, "-q", "--no-plots", "--runs", "2", "--at", "1m")
	binaryOK(t, work, "compare", a, "-q", "--no-plots", "--runs", "2", "--at", "1m", "--independent")
	for _, d := range []string{"tiny-vs-tiny-no-acceptance-runs2", "tiny-vs-tiny-no-acceptance-runs2-independent"} {
		if _, err := os.Stat(filepath.Join(work, "out", d, output.EffectsFile)); err != nil {
			t.Errorf("compare: %v", err)
		}
	}
}
