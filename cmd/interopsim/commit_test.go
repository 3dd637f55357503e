package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
)

// countPolls is a context that counts how often its Err is asked.
type countPolls struct {
	context.Context
	n int
}

func (c *countPolls) Err() error {
	c.n++
	return nil
}

// TestRunInterruptedAnywhere interrupts a run over an earlier one at
// polls of its context spread over the simulation and the writing of its
// files (the last ones each in turn): each interrupted run exits 1 with
// the directory exactly as it was, and one that is not interrupted
// replaces it.
func TestRunInterruptedAnywhere(t *testing.T) {
	dir := runTiny(t)
	before := snapshot(t, dir)
	args := []string{"run", tiny, "--out", dir, "--seed", "11", "--force", "--runs", "2", "--no-plots"}
	count := &countPolls{Context: context.Background()}
	other := filepath.Join(t.TempDir(), "other")
	if code, _, stderr := cliContext(t, count, append(args[:3:3], other, "--seed", "11", "--runs", "2", "--no-plots")...); code != exitOK {
		t.Fatalf("uninterrupted: exit %d: %s", code, stderr)
	}
	var at []int
	for n := 0; n < count.n-8; n += max(1, count.n/10) {
		at = append(at, n)
	}
	for n := max(0, count.n-8); n < count.n; n++ {
		at = append(at, n) // the writing of the files and the commit point
	}
	for _, n := range at {
		ctx := &cancelAfter{Context: context.Background(), n: n}
		code, _, stderr := cliContext(t, ctx, args...)
		if code != exitFailure || !strings.Contains(stderr, "nothing written; the output directory is as it was") {
			t.Fatalf("cancel after %d of %d polls: got exit %d, %q; want 1 and nothing written", n, count.n, code, stderr)
		}
		if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
			t.Fatalf("cancel after %d of %d polls: the interrupted run changed the directory", n, count.n)
		}
	}
	ctx := &cancelAfter{Context: context.Background(), n: count.n}
	if code, _, stderr := cliContext(t, ctx, args...); code != exitOK {
		t.Fatalf("cancel after all %d polls: exit %d: %s", count.n, code, stderr)
	}
	if s := readSummary(t, dir); s.Provenance.Seed != 11 {
		t.Errorf("summary.json holds seed %d, want the new run's 11", s.Provenance.Seed)
	}
}

// TestRunInterruptedRemovesParents: an interrupted run into a directory
// whose parents did not exist removes them again, and only them.
func TestRunInterruptedRemovesParents(t *testing.T) {
	base := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := cliContext(t, ctx, "run", tiny, "--out", filepath.Join(base, "a", "b", "out"))
	if code != exitFailure {
		t.Fatalf("got exit %d, %q; want 1", code, stderr)
	}
	if got := listNames(t, base); got != "" {
		t.Errorf("%s holds %q, want the created parents a/b removed", base, got)
	}
}

// TestConcurrentRunsRefused: a second run into a directory a run is
// writing fails at once, naming the first (its command line and pid),
// and leaves the first's results whole.
func TestConcurrentRunsRefused(t *testing.T) {
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "X", "--no-plots", "-q")
	first := exec.Command(binaryPath(t), "run", sc, "--out", "X", "--no-plots", "-q", "--seed", "2", "--force")
	first.Dir = work
	first.Env = append(os.Environ(), output.CommitDelayEnv+"=300ms") // a slow commit holds the lock
	var stderr bytes.Buffer
	first.Stderr = &stderr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	lockFile := filepath.Join(work, "X", output.LockFile)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(lockFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run never took the lock")
		}
	}
	start := time.Now()
	code, _, errs := runBinary(t, work, "run", sc, "--out", "X", "--no-plots", "--seed", "3", "--force")
	want := "interopsim: output directory X is in use by another interopsim job, interopsim run tiny.yaml --out X --no-plots -q --seed 2 --force (pid " +
		strconv.Itoa(first.Process.Pid) + ", started "
	if code != exitFailure || !strings.HasPrefix(errs, want) {
		t.Errorf("second run: got exit %d, %q; want 1 and %q...", code, errs, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the second run took %v to fail, want at once", d)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v: %s", err, stderr.String())
	}
	if s := readSummary(t, filepath.Join(work, "X")); s.Provenance.Seed != 2 {
		t.Errorf("summary.json holds seed %d, want the first run's 2", s.Provenance.Seed)
	}
	if _, err := os.Stat(lockFile); err == nil {
		t.Errorf("%s is left behind", output.LockFile)
	}
}

// TestStaleTempsRemoved: the next run removes the temporary files of a
// killed one, and no file of the user's, even one named much like them.
func TestStaleTempsRemoved(t *testing.T) {
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "X", "-q", "--format", "svg")
	stale := []string{".interopsim-metrics.csv.12345.tmp", "plots/.interopsim-adoption.svg.99.tmp"}
	mine := []string{".interopsim-mine.txt", "plots/.interopsim-notes.tmp", "metrics.csv.1.tmp"}
	old := time.Now().Add(-time.Hour)
	for _, name := range append(append([]string{}, stale...), mine...) {
		path := filepath.Join(work, "X", filepath.FromSlash(name))
		if err := os.WriteFile(path, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, old, old)
	}
	binaryOK(t, work, "run", sc, "--out", "X", "-q", "--format", "svg")
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(work, "X", filepath.FromSlash(name))); err == nil {
			t.Errorf("the stale temporary %s is still there", name)
		}
	}
	for _, name := range mine {
		if b, err := os.ReadFile(filepath.Join(work, "X", filepath.FromSlash(name))); err != nil || string(b) != "partial" {
			t.Errorf("the user's %s is lost", name)
		}
	}
}

// TestForceNeverWritesThroughPlotsLink: with plots/ a symlink to another
// directory, a run is refused even with --force, and the link and the
// files where it points are left alone.
func TestForceNeverWritesThroughPlotsLink(t *testing.T) {
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "X", "-q", "--format", "svg")
	elsewhere := filepath.Join(work, "elsewhere")
	if err := os.Rename(filepath.Join(work, "X", "plots"), elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(work, "X", "plots")); err != nil {
		t.Fatal(err)
	}
	before, summary := snapshot(t, elsewhere), string(readFile(t, filepath.Join(work, "X", output.SummaryFile)))
	code, _, stderr := runBinary(t, work, "run", sc, "--out", "X", "--format", "svg", "--force", "--seed", "2")
	if code != exitFailure || !strings.Contains(stderr, "holds plots/, which interopsim did not write") &&
		!strings.Contains(stderr, "holds plots, which interopsim did not write") {
		t.Errorf("got exit %d, %q; want 1 and a refusal naming plots", code, stderr)
	}
	if after := snapshot(t, elsewhere); !reflect.DeepEqual(after, before) {
		t.Errorf("the run changed the directory plots/ points to")
	}
	if after := string(readFile(t, filepath.Join(work, "X", output.SummaryFile))); after != summary {
		t.Errorf("the run changed summary.json")
	}
	if fi, err := os.Lstat(filepath.Join(work, "X", "plots")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the plots link is gone")
	}
}

// TestSignalAfterCommitPoint: a SIGINT that arrives once the commit
// record is durable lets the commit finish: the run exits 0 with the new
// results whole and no commit record left.
func TestSignalAfterCommitPoint(t *testing.T) {
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "X", "--no-plots", "-q")
	cmd := exec.Command(binaryPath(t), "run", sc, "--out", "X", "--no-plots", "-q", "--seed", "2", "--force")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), output.CommitDelayEnv+"=100ms")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(work, "X", output.JournalFile)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if _, err := os.Stat(journal); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never reached its commit point")
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("got %v, %s; want exit 0", err, stderr.String())
	}
	if _, err := os.Stat(journal); err == nil {
		t.Errorf("the commit record is left behind")
	}
	s := readSummary(t, filepath.Join(work, "X"))
	if s.Provenance.Seed != 2 {
		t.Errorf("summary.json holds seed %d, want 2", s.Provenance.Seed)
	}
	for _, r := range s.Files {
		if got := resultSet(t, filepath.Join(work, "X"))[r.Name]; got != r.SHA256 {
			t.Errorf("%s does not match summary.json", r.Name)
		}
	}
}

// TestForceKeepsUserFilesNamedLikeResults: files of the user's named like
// results that the job does not write survive --force untouched, and one
// the job would write stops it.
func TestForceKeepsUserFilesNamedLikeResults(t *testing.T) {
	dir := runTiny(t)
	mine := []string{output.RunsFile, output.BaselineFile, output.EffectsFile, output.EffectsAtFile, output.BaselineScenarioFile, "plots/headline.png"}
	for _, name := range mine {
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := cli(t, "run", tiny, "--out", dir, "--no-plots", "--seed", "2", "--force"); code != exitOK {
		t.Fatalf("got exit %d, %s", code, stderr)
	}
	for _, name := range mine {
		if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil || string(b) != "mine" {
			t.Errorf("the user's %s is lost or changed", name)
		}
	}
	for _, name := range []string{output.ReportFile, "plots/headline.png"} {
		os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte("mine"), 0o644)
		code, _, stderr := cli(t, "run", tiny, "--out", dir, "--seed", "3", "--force")
		if code != exitFailure || !strings.Contains(stderr, name) || !strings.Contains(stderr, "which interopsim did not write") {
			t.Errorf("user's %s: got exit %d, %q; want a refusal naming it", name, code, stderr)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); string(b) != "mine" {
			t.Errorf("the user's %s is replaced", name)
		}
	}
}
