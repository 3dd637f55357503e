package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
)

// resultSet returns the files of interopsim's results under dir by
// relative name, each with its SHA-256, summary.json and the lock's
// record aside, and the files of the user's (userFiles) aside.
func resultSet(t *testing.T, dir string) map[string]string {
	t.Helper()
	set := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if rel == output.SummaryFile || rel == output.LockFile || slices.Contains(userFiles, rel) {
			return nil
		}
		b, err := os.ReadFile(path)
		sum := sha256.Sum256(b)
		set[rel] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// userFiles are files of the user's in the directory of TestKillAnywhere,
// one named like interopsim's temporaries.
var userFiles = []string{"notes.txt", ".interopsim-mine.txt", "plots/mine.pdf"}

// copyTree copies the directory from to to (which must not exist).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKillAnywhere is the fault-injection test of the commit: it kills
// (SIGKILL) a run over an earlier run's directory at 60 seeded random
// moments, half of them spread over the run up to its commit and half
// over its commit (slowed by output.CommitDelayEnv; counted from the
// moment its record appears), and checks each time that,
// once the next job has taken the directory's lock (which rolls an
// interrupted commit forward), the directory holds exactly the old run
// (seed 1) or exactly the new one (seed 11): the files summary.json
// records, all matching it and those of a clean run of that seed, nothing
// else of interopsim's, no temporary file, and the user's files as they
// were.
func TestKillAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the binary 60 times")
	}
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	args := func(seed, out string) []string {
		return []string{"run", sc, "--seed", seed, "--out", out, "--format", "svg", "-q", "--force"}
	}
	binaryOK(t, work, args("1", "old")...)
	binaryOK(t, work, args("11", "new")...)
	want := map[uint64]map[string]string{1: resultSet(t, filepath.Join(work, "old")), 11: resultSet(t, filepath.Join(work, "new"))}
	for _, u := range userFiles {
		path := filepath.Join(work, "old", filepath.FromSlash(u))
		if err := os.WriteFile(path, []byte("mine: "+u), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	template := filepath.Join(work, "template")
	copyTree(t, filepath.Join(work, "old"), template)

	const delay = 20 * time.Millisecond
	run := func(dir string) *exec.Cmd {
		cmd := exec.Command(binaryPath(t), args("11", dir)...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), output.CommitDelayEnv+"="+delay.String())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// A run that is not killed: how long it takes, and its commit.
	copyTree(t, template, filepath.Join(work, "timed"))
	start := time.Now()
	if err := run("timed").Wait(); err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	steps := len(want[11]) + 1 + 1 + 2 // renames, summary.json, removals, the record's removal
	window := time.Duration(steps) * delay

	rng := rand.New(rand.NewPCG(12, 1))
	const kills = 60
	var old, new, inCommit int
	for i := range kills {
		dir := filepath.Join(work, "X")
		os.RemoveAll(dir)
		copyTree(t, template, dir)
		at := time.Duration(rng.Int64N(int64(max(total-window, total/4)))) // before the commit, mostly
		cmd := run("X")
		if i%2 == 1 {
			// inside the commit: from its record's appearance on
			at = time.Duration(rng.Int64N(int64(window)))
			journal := filepath.Join(dir, output.JournalFile)
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if _, err := os.Lstat(journal); err == nil {
					break
				}
			}
		}
		time.Sleep(at)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Lstat(filepath.Join(dir, output.JournalFile)); err == nil {
			inCommit++
		}

		// The next job: taking the lock finishes what the killed one
		// committed to and removes its temporary files.
		lock, err := output.LockDir(dir)
		if err != nil {
			t.Fatalf("kill %d at %v: lock: %v", i, at, err)
		}
		lock.Release()
		s := readSummary(t, dir)
		got := resultSet(t, dir)
		w, ok := want[s.Provenance.Seed]
		if !ok {
			t.Fatalf("kill %d at %v: summary.json of seed %d", i, at, s.Provenance.Seed)
		}
		var recorded []string
		for _, r := range s.Files {
			recorded = append(recorded, r.Name)
			if got[r.Name] != r.SHA256 {
				t.Errorf("kill %d at %v: %s does not match summary.json's record", i, at, r.Name)
			}
		}
		names := slices.Sorted(maps.Keys(got))
		slices.Sort(recorded)
		if !slices.Equal(names, recorded) || !maps.Equal(got, w) {
			t.Fatalf("kill %d at %v: the directory holds %q, summary.json (seed %d) records %q; want exactly the set of a run of seed %d",
				i, at, names, s.Provenance.Seed, recorded, s.Provenance.Seed)
		}
		for _, u := range userFiles {
			if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(u))); err != nil || string(b) != "mine: "+u {
				t.Errorf("kill %d at %v: the user's %s is lost or changed", i, at, u)
			}
		}
		if s.Provenance.Seed == 1 {
			old++
		} else {
			new++
		}
	}
	t.Logf("%d kills in a run of %v (commit about %v): %d left the old run, %d the new one, %d inside the commit", kills, total, window, old, new, inCommit)
	if inCommit < 5 || old < 5 || new < 5 {
		t.Errorf("got %d kills inside the commit, %d before it, %d after; want at least 5 of each", inCommit, old, new)
	}
}

// TestSignalAnywhere sends a SIGINT to a run over an earlier one at 8
// seeded random moments: it either stops with status 1 and the directory
// exactly as it was (no temporary file, no lock record), or, once past the
// commit point, finishes with status 0 and the new results. A signal in
// the first milliseconds, before the program handles signals, or in the
// last, after it stopped handling them, kills it: the directory must then
// hold the old run as it was or the new one whole.
func TestSignalAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary 8 times")
	}
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "template", "--format", "svg", "-q")
	before := snapshot(t, filepath.Join(work, "template"))
	rng := rand.New(rand.NewPCG(12, 2))
	var stopped int
	for range 8 {
		dir := filepath.Join(work, "X")
		os.RemoveAll(dir)
		copyTree(t, filepath.Join(work, "template"), dir)
		cmd := exec.Command(binaryPath(t), "run", sc, "--out", "X", "--format", "svg", "-q", "--seed", "11", "--force")
		cmd.Dir = work
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		at := time.Duration(rng.Int64N(int64(600 * time.Millisecond)))
		time.Sleep(at)
		cmd.Process.Signal(os.Interrupt)
		err := cmd.Wait()
		s := readSummary(t, dir)
		seed := s.Provenance.Seed
		// A signal before the program handles signals, or after it has
		// stopped handling them on its way out, kills it.
		signaled := err != nil && cmd.ProcessState.Sys().(syscall.WaitStatus).Signaled()
		switch {
		case (err == nil || signaled) && seed == 11:
			got := resultSet(t, dir)
			for _, r := range s.Files {
				if got[r.Name] != r.SHA256 {
					t.Errorf("signal at %v: %s does not match summary.json", at, r.Name)
				}
			}
		case err != nil && seed != 11 && (cmd.ProcessState.ExitCode() == exitFailure || signaled):
			stopped++
			after := map[string]string{}
			for path, content := range snapshot(t, dir) {
				rel, _ := filepath.Rel(dir, path)
				after[filepath.Join(work, "template", rel)] = content
			}
			if !maps.Equal(after, before) {
				t.Errorf("signal at %v: stopped (%v) but the directory changed", at, err)
			}
		default:
			t.Errorf("signal at %v: got %v with seed %d in summary.json, %s; want exit 1 and the old run or exit 0 and the new", at, err, seed, stderr.String())
		}
	}
	t.Logf("%d of 8 runs stopped", stopped)
}
