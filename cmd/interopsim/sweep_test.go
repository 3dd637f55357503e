package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sweepArgs is a small one-way sweep of the tiny scenario: 5 points of 3
// replicates, each with its baseline.
var sweepArgs = []string{"sweep", tiny, "--vary", "behaviour.gamma=0.5:2.5:5", "--runs", "3", "--at", "2w,4w"}

// sweepFiles are the files whose bytes a sweep fixes.
var sweepFiles = []string{"scenario.yaml", "baseline.yaml", "sweep.json", "points.csv", "results.csv", "outputs.csv", "plots/curve.png"}

func runSweepCLI(t *testing.T, dir string, extra ...string) {
	t.Helper()
	args := append(append(append([]string{}, sweepArgs...), "--out", dir, "-q"), extra...)
	if code, out, errs := cli(t, args...); code != exitOK {
		t.Fatalf("sweep %v: exit %d\n%s%s", extra, code, out, errs)
	}
}

func sameFiles(t *testing.T, a, b string, names []string) {
	t.Helper()
	for _, n := range names {
		x, y := readFile(t, filepath.Join(a, n)), readFile(t, filepath.Join(b, n))
		if string(x) != string(y) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
}

func TestSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	runSweepCLI(t, dir)
	rows, err := readResults(readFile(t, filepath.Join(dir, resultsFile)), resultsFile)
	if err != nil {
		t.Fatal(err)
	}
	// 5 points × 3 replicates × the event's figures at 2 horizons.
	if len(rows) == 0 || len(rows)%(5*3*2) != 0 {
		t.Fatalf("got %d rows, want a multiple of 30", len(rows))
	}
	points := string(readFile(t, filepath.Join(dir, pointsFile)))
	if want := "point,behaviour.gamma\n0,0.5\n1,1\n2,1.5\n3,2\n4,2.5\n"; points != want {
		t.Errorf("points.csv: got %q, want %q", points, want)
	}
	if !strings.Contains(string(readFile(t, filepath.Join(dir, "scenario.yaml"))), "- {param: behaviour.gamma, lo: 0.5, hi: 2.5, levels: 5}") {
		t.Error("scenario.yaml lacks the resolved sweep section")
	}
	// The resolved scenario runs the same sweep again, byte for byte.
	again := filepath.Join(t.TempDir(), "again")
	if code, out, errs := cli(t, "sweep", filepath.Join(dir, "scenario.yaml"), "--at", "2w,4w", "--out", again, "-q"); code != exitOK {
		t.Fatalf("sweep of scenario.yaml: exit %d\n%s%s", code, out, errs)
	}
	sameFiles(t, dir, again, sweepFiles[2:])
	// Workers do not change a byte.
	w := filepath.Join(t.TempDir(), "workers")
	runSweepCLI(t, w, "--workers", "1")
	sameFiles(t, dir, w, sweepFiles)
}

// TestSweepResume stops a sweep after its second point, as Ctrl-C
// would, and checks that the checkpoint holds those points, that the
// same command resumes from them without running them again, and that
// the result is the bytes of an uninterrupted sweep.
func TestSweepResume(t *testing.T) {
	whole := filepath.Join(t.TempDir(), "whole")
	runSweepCLI(t, whole)

	dir := filepath.Join(t.TempDir(), "stopped")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ran []int
	testHookPointDone = func(p int) {
		ran = append(ran, p)
		if p == 1 {
			cancel()
		}
	}
	defer func() { testHookPointDone = nil }()
	code, _, stderr := cliContext(t, ctx, append(append([]string{}, sweepArgs...), "--out", dir, "-q")...)
	if code != exitFailure || !strings.Contains(stderr, "interrupted after 2 of 5 design points") {
		t.Fatalf("stopped sweep: exit %d, %q; want 1 and the points kept", code, stderr)
	}
	st, _, err := readSweepDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Complete || len(st.Done) != 2 {
		t.Fatalf("checkpoint: complete %v, done %v; want points 0 and 1", st.Complete, st.Done)
	}
	ran = nil
	runSweepCLI(t, dir)
	if got := fmtInts(ran); got != "2 3 4" {
		t.Errorf("resumed sweep ran points %v, want 2, 3, 4", ran)
	}
	sameFiles(t, whole, dir, sweepFiles)
}

func fmtInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

// TestShardMerge runs the sweep as 3 shards, merges them, and checks the
// bytes against the single sweep; then that a missing, duplicated or
// foreign shard is refused, naming it.
func TestShardMerge(t *testing.T) {
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	runSweepCLI(t, whole)
	var shards []string
	for i := 1; i <= 3; i++ {
		d := filepath.Join(root, "part-"+strconv.Itoa(i))
		runSweepCLI(t, d, "--shard", strconv.Itoa(i)+"/3")
		shards = append(shards, d)
	}
	if _, err := os.Stat(filepath.Join(shards[0], outputsFile)); err != nil {
		t.Fatalf("a finished shard has no %s: %v", outputsFile, err)
	}
	merged := filepath.Join(root, "merged")
	// Given in any order.
	if code, out, errs := cli(t, "merge", shards[2], shards[0], shards[1], "--out", merged, "-q"); code != exitOK {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
	}
	sameFiles(t, whole, merged, sweepFiles)

	// A shard into another shard's directory is refused.
	if code, _, errs := cli(t, append(append([]string{}, sweepArgs...), "--out", shards[0], "--shard", "2/3")...); code != exitFailure || !strings.Contains(errs, "holds shard 1/3 of this sweep") {
		t.Errorf("shard 2/3 into shard 1/3's directory: exit %d, %q", code, errs)
	}

	foreign := filepath.Join(root, "foreign")
	runSweepCLI(t, foreign, "--shard", "2/3", "--seed", "99")
	for _, tc := range []struct {
		name string
		dirs []string
		want string
	}{
		{"missing", shards[:2], "missing shard 3/3"},
		{"duplicated", []string{shards[0], shards[1], shards[1], shards[2]}, "shard 2/3 is given twice"},
		{"foreign", []string{shards[0], foreign, shards[2]}, "shard " + foreign + " is of another sweep"},
		{"whole", []string{whole}, "is a whole sweep, not a shard"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m")
			code, _, stderr := cli(t, append(append([]string{"merge"}, tc.dirs...), "--out", out)...)
			if code != exitFailure || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want 1 and %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused merge created %s", out)
			}
		})
	}
}

// TestSensitivityInert runs a small Saltelli sweep of the flagship over
// gamma (habit) and the rural basket, which scales GMV but no choice:
// Taobao/Tmall's payment share of WeChat Pay cannot depend on it, and
// with common random numbers across points its total index is 0 (the
// tolerance is 0.01), while gamma's is not.
func TestSensitivityInert(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sobol")
	args := []string{"sweep", "taobao-wechat-pay", "--vary", "behaviour.gamma=0.5:2", "--vary", "regions.rural.basket=50:200",
		"--design", "saltelli", "--points", "8", "--set", "agents=2000", "--set", "end=2025-06-30", "--at", "6m", "--out", dir, "-q", "--no-plots"}
	if code, out, errs := cli(t, args...); code != exitOK {
		t.Fatalf("sweep: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := cli(t, "sensitivity", dir, "--metric", "payment_share", "--entity", "taobao_tmall/wechat_pay", "--resamples", "100")
	if code != exitOK {
		t.Fatalf("sensitivity: exit %d\n%s%s", code, out, errs)
	}
	csvb := string(readFile(t, filepath.Join(dir, "sensitivity", sensitivityFile)))
	lines := strings.Split(strings.TrimSpace(csvb), "\n")
	if lines[0] != strings.Join(sensitivityColumns, ",") || len(lines) != 3 {
		t.Fatalf("sensitivity.csv:\n%s", csvb)
	}
	st := map[string]float64{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		v, err := strconv.ParseFloat(f[5], 64)
		if err != nil {
			t.Fatalf("ST of %s: %v", f[0], err)
		}
		st[f[0]] = v
	}
	if v := st["regions.rural.basket"]; v < -0.01 || v > 0.01 {
		t.Errorf("ST of the rural basket: got %g, want 0 ± 0.01", v)
	}
	if v := st["behaviour.gamma"]; v < 0.1 {
		t.Errorf("ST of gamma: got %g, want above 0.1", v)
	}
	// A grid sweep has no indices.
	code, _, errs = cli(t, "sensitivity", filepath.Join(t.TempDir(), "nothing"))
	if code != exitFailure || !strings.Contains(errs, "not the directory of a sweep") {
		t.Errorf("sensitivity of no sweep: exit %d, %q", code, errs)
	}
}

func TestSweepUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", tiny}, "has no sweep: section: give the parameters to vary with --vary"},
		{[]string{"sweep", tiny, "--vary", "behaviour.gamma=2:1"}, "LO must be below HI"},
		{[]string{"sweep", tiny, "--vary", "behaviour.beta=0:3"}, "behaviour.beta must be in [0,1], got 3"},
		{[]string{"sweep", tiny, "--vary", "behaviour.gamma=0:1"}, "a grid needs its number of levels"},
		{[]string{"sweep", tiny, "--vary", "behaviour.gamma=0:1", "--design", "lhs"}, "the lhs design needs --points N"},
		{[]string{"sweep", tiny, "--vary", "behaviour.gamma=0:1", "--design", "sobol"}, `unknown design "sobol" (valid: grid, lhs, saltelli, morris)`},
		{[]string{"sweep", tiny, "--vary", "behaviour.gamma=0:1:3", "--shard", "4/3"}, "--shard 4/3: want I/N with 1 <= I <= N"},
	} {
		t.Run(strings.Join(tc.args[2:], " "), func(t *testing.T) {
			code, _, stderr := cli(t, append(tc.args, "--out", filepath.Join(t.TempDir(), "x"))...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// TestSweepCheckpoint checks that a sweep commits the points done while
// it runs: with --checkpoint 1ns, after each point but the last.
func TestSweepCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cp")
	var seen []string
	testHookPointDone = func(p int) {
		if st, _, err := readSweepDir(dir); err == nil {
			seen = append(seen, fmtInts(st.Done))
		} else {
			seen = append(seen, "none")
		}
	}
	defer func() { testHookPointDone = nil }()
	runSweepCLI(t, dir, "--checkpoint", "1ns")
	// Seen after each point, before its checkpoint: nothing, then the
	// points up to the one before.
	if got, want := strings.Join(seen, "|"), "none|0|0 1|0 1 2|0 1 2 3"; got != want {
		t.Errorf("checkpoints seen: got %s, want %s", got, want)
	}
}

// TestSweepMorris runs a Morris sweep from a scenario's sweep: section
// and its elementary effects.
func TestSweepMorris(t *testing.T) {
	src := string(readFile(t, tiny)) + `
sweep:
  design: morris
  points: 4
  runs: 1
  parameters:
    - {param: behaviour.gamma, lo: 0.5, hi: 2.5}
    - {param: methods.wechat_pay.appeal, lo: -0.5, hi: 0.5}
`
	file := filepath.Join(t.TempDir(), "morris.yaml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, "validate", file)
	if code != exitOK || !strings.Contains(out, "morris, 4 trajectories × (k+1), 4 levels over behaviour.gamma, methods.wechat_pay.appeal: 12 points") {
		t.Fatalf("validate: exit %d\n%s%s", code, out, errs)
	}
	dir := filepath.Join(t.TempDir(), "m")
	if code, out, errs := cli(t, "sweep", file, "--at", "4w", "--out", dir, "-q"); code != exitOK {
		t.Fatalf("sweep: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, "sensitivity", dir, "--metric", "payment_share", "--entity", "taobao/wechat_pay")
	if code != exitOK || !strings.Contains(out, "MU*") {
		t.Fatalf("sensitivity: exit %d\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(dir, "sensitivity", sensitivityFile)))), "\n")
	if len(lines) != 3 {
		t.Fatalf("sensitivity.csv has %d lines, want 3", len(lines))
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if f[2] != "" || f[8] == "" || f[10] == "" {
			t.Errorf("row %q: want S1 empty and mu_star, sigma set", l)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sensitivity", "plots", "sensitivity.png")); err != nil {
		t.Error(err)
	}
}
