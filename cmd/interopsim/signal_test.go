package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// longArgs make the flagship a long horizon ending at end, at 500
// agents: over 40 years of weeks (2,088 steps) its metrics.csv (80 MB)
// takes seconds to tabulate, draw and write, and the engine as long.
func longArgs(end string) []string {
	return []string{"taobao-wechat-pay", "--set", "end=" + end, "--agents", "500", "--force"}
}

// Ends of the long horizons of TestSignalInEveryPhase: 40 years, and 20
// for the jobs that run the engine twice.
const (
	longEnd    = "2063-01-01"
	shorterEnd = "2043-01-05"
)

// signalLimit is how soon after a signal the program must have said it
// was interrupted, and exitSlack how much longer its exit may take on a
// loaded machine: the kernel takes a while to free a gigabyte (on a
// machine running a dozen jobs on two cores, the exit came 0.8 s after
// the message once).
const (
	signalLimit = time.Second
	exitSlack   = time.Second
)

// listing returns every file and directory under dir by relative path,
// each with its mode, size and SHA-256: what "the directory as it was"
// means.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			files[rel] = fi.Mode().String()
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		files[rel] = fmt.Sprintf("%s %d %s", fi.Mode(), fi.Size(), hex.EncodeToString(h.Sum(nil)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// stderrLine is a line of the program's standard error and when it came.
type stderrLine struct {
	at   time.Time
	text string
}

// TestSignalInEveryPhase starts the real binary on a long horizon and
// signals it (SIGINT or SIGTERM) inside each phase of run, compare and
// plot, found from the phase its progress line names: the engine,
// tabulating the results of one run and of an ensemble, drawing the
// figures, writing metrics.csv, and plot's reading of metrics.csv,
// drawing and writing. Each time the program must say it was
// interrupted within signalLimit of the signal and exit with status 1
// (within signalLimit, with exitSlack for a loaded machine), and
// leave its output directory (an earlier job's, with a file of the
// user's) byte for byte and file for file as it was. It takes 30 to 40
// seconds.
func TestSignalInEveryPhase(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a long horizon 8 times")
	}
	work := t.TempDir()
	sc := tinyIn(t, work, "tiny.yaml")
	binaryOK(t, work, "run", sc, "--out", "template", "--format", "svg", "-q")
	if err := os.WriteFile(filepath.Join(work, "template", "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The run that plot redraws: its figures are left out, so that plot
	// has a plots/ to create (and remove again when interrupted).
	binaryOK(t, work, append([]string{"run", "--out", "long", "--no-plots", "-q"}, longArgs(longEnd)...)...)

	run := func(out string, extra ...string) []string {
		return append(append([]string{"run", "--out", out}, longArgs(longEnd)...), extra...)
	}
	for _, tc := range []struct {
		name string
		args func(out string) []string
		// dir is the output directory checked: the template's copy X,
		// or the long run's.
		dir string
		sig syscall.Signal
		// phase, if not empty, is the progress line's text that starts
		// the phase; the signal comes after that line and wait. Without
		// it, the signal comes wait after the start, and before must not
		// have been printed: the phase has not ended.
		phase, before string
		wait          time.Duration
	}{
		// The engine takes about a second at 500 agents, no longer than
		// progress waits before its first line: the engine's phase runs
		// a million agents (pflag keeps the last --agents), some seconds.
		{name: "run: engine", args: func(out string) []string { return run(out, "--agents", "1M") }, dir: "X", sig: syscall.SIGINT,
			phase: "step ", wait: 100 * time.Millisecond},
		{name: "run: tabulating", args: func(out string) []string { return run(out, "--no-plots") }, dir: "X", sig: syscall.SIGTERM,
			phase: "tabulating results", wait: 100 * time.Millisecond},
		{name: "run --runs 2: tabulating the ensemble", args: func(out string) []string {
			return append([]string{"run", "--out", out, "--runs", "2", "--no-plots"}, longArgs(shorterEnd)...)
		}, dir: "X", sig: syscall.SIGINT,
			phase: "tabulating results", wait: 200 * time.Millisecond},
		{name: "run: drawing figures", args: func(out string) []string { return run(out) }, dir: "X", sig: syscall.SIGINT,
			phase: "drawing figures", wait: 500 * time.Millisecond},
		{name: "run: writing metrics.csv", args: func(out string) []string { return run(out, "--no-plots") }, dir: "X", sig: syscall.SIGTERM,
			phase: "writing results", wait: 300 * time.Millisecond},
		{name: "compare: drawing figures", args: func(out string) []string {
			return append([]string{"compare", "--out", out, "--runs", "1"}, longArgs(shorterEnd)...)
		}, dir: "X", sig: syscall.SIGTERM, phase: "drawing figures", wait: 500 * time.Millisecond},
		{name: "plot: reading metrics.csv", args: func(string) []string { return []string{"plot", "long"} }, dir: "long", sig: syscall.SIGINT,
			before: "drawing figures", wait: 1200 * time.Millisecond},
		{name: "plot: drawing figures", args: func(string) []string { return []string{"plot", "long"} }, dir: "long", sig: syscall.SIGTERM,
			phase: "drawing figures", wait: 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(work, tc.dir)
			if tc.dir == "X" {
				os.RemoveAll(dir)
				copyTree(t, filepath.Join(work, "template"), dir)
			}
			before := listing(t, dir)
			cmd := exec.Command(binaryPath(t), tc.args(tc.dir)...)
			cmd.Dir = work
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			lines := make(chan stderrLine)
			go func() {
				s := bufio.NewScanner(stderr)
				for s.Scan() {
					lines <- stderrLine{time.Now(), s.Text()}
				}
				close(lines)
			}()
			var got []stderrLine
			var sent time.Time
			timer := time.After(tc.wait)
			if tc.phase != "" {
				timer = nil
			}
			for sent.IsZero() {
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("ended before the signal; stderr:\n%s", joinLines(got))
					}
					got = append(got, l)
					if tc.before != "" && strings.Contains(l.text, tc.before) {
						t.Fatalf("%q printed %v after the start, before the signal: the phase is over too soon", tc.before, l.at.Sub(start))
					}
					if tc.phase != "" && strings.Contains(l.text, tc.phase) {
						timer = time.After(tc.wait)
					}
				case <-timer:
					sent = time.Now()
					if err := cmd.Process.Signal(tc.sig); err != nil {
						t.Fatal(err)
					}
				}
			}
			for l := range lines {
				got = append(got, l)
			}
			err = cmd.Wait()
			exited := time.Since(sent)
			var said time.Duration = -1
			for _, l := range got {
				if !l.at.Before(sent) && strings.Contains(l.text, "interrupted") {
					said = l.at.Sub(sent)
				}
			}
			t.Logf("%v at %v: said it was interrupted %v later, exited %v later", tc.sig, sent.Sub(start).Round(time.Millisecond), said.Round(time.Millisecond), exited.Round(time.Millisecond))
			if code := cmd.ProcessState.ExitCode(); code != exitFailure || said < 0 {
				t.Fatalf("got exit %d (%v); want %d and a message saying it was interrupted; stderr:\n%s", code, err, exitFailure, joinLines(got))
			}
			if said > signalLimit || exited > signalLimit+exitSlack {
				t.Errorf("said it was interrupted %v and exited %v after the %v, want within %v and %v", said, exited, tc.sig, signalLimit, signalLimit+exitSlack)
			}
			after := listing(t, dir)
			if !maps.Equal(after, before) {
				for _, k := range slices.Sorted(maps.Keys(after)) {
					if after[k] != before[k] {
						t.Errorf("%s: now %q, was %q", k, after[k], before[k])
					}
				}
				for _, k := range slices.Sorted(maps.Keys(before)) {
					if _, ok := after[k]; !ok {
						t.Errorf("%s: gone, was %q", k, before[k])
					}
				}
			}
		})
	}
}

func joinLines(ls []stderrLine) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}
