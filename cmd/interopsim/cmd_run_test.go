package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

const tiny = "testdata/tiny.yaml"

// runTiny runs the tiny scenario into a new directory with extra
// arguments and without figures, and returns the directory; the run must
// succeed.
func runTiny(t *testing.T, extra ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, append([]string{"run", tiny, "--out", dir, "--no-plots"}, extra...)...)
	if code != exitOK {
		t.Fatalf("run %v: got exit %d, want 0:\n%s%s", extra, code, stdout, stderr)
	}
	return dir
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readSummary(t *testing.T, dir string) *output.Summary {
	t.Helper()
	path := filepath.Join(dir, output.SummaryFile)
	s, err := output.ReadSummary(bytes.NewReader(readFile(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// resultFileNames are the files a run writes.
var resultFileNames = []string{output.MetricsFile, output.SummaryFile, output.ScenarioFile, output.ReportFile}

func TestRun(t *testing.T) {
	noProgress(t)
	dir := filepath.Join(t.TempDir(), "results", "tiny")
	code, stdout, stderr := cli(t, "run", tiny, "--out", dir)
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	for _, want := range []string{
		"scenario tiny (testdata/tiny.yaml)\n", "agents 300\n",
		"steps 9 weeks, 2024-01-01 to 2024-03-03\n", "seed 7\n",
		"engine agents\n", "wall time ", "output " + dir + "\n",
		"\n metrics.csv ", " KiB\n summary.json ", " KiB\n scenario.yaml ",
	} {
		if !strings.Contains(squash(stdout), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}

	sc, err := scenarios.Load(tiny)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &sc.Config
	path := filepath.Join(dir, output.MetricsFile)
	if h, _, _ := strings.Cut(string(readFile(t, path)), "\n"); h != strings.Join(output.StatColumns, ",") {
		t.Errorf("metrics.csv of a single run has the header %s, want %s", h, strings.Join(output.StatColumns, ","))
	}
	tab, err := output.ReadStats(bytes.NewReader(readFile(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	perRegion := len(sim.Metrics) // at least one row per metric
	if min := cfg.Steps * (len(cfg.Regions) + 1) * perRegion; len(tab.Rows) < min {
		t.Errorf("metrics.csv has %d rows, want at least %d", len(tab.Rows), min)
	}

	p := readSummary(t, dir).Provenance
	if p.Scenario != "tiny" || p.ScenarioFile != tiny || p.Seed != 7 || p.Agents != 300 || p.Steps != 9 ||
		p.Engine != "agents" || p.StepUnit != "week" || p.Start != "2024-01-01" {
		t.Errorf("summary provenance: got %+v", p)
	}

	// scenario.yaml reproduces the run byte for byte.
	again := filepath.Join(t.TempDir(), "again")
	if code, _, stderr := cli(t, "run", filepath.Join(dir, output.ScenarioFile), "--out", again, "--quiet", "--no-plots"); code != exitOK {
		t.Fatalf("run scenario.yaml: got exit %d: %s", code, stderr)
	}
	if !bytes.Equal(readFile(t, filepath.Join(again, output.MetricsFile)), readFile(t, path)) {
		t.Errorf("running scenario.yaml gave a different metrics.csv")
	}

	// The same scenario may be run again into the same directory.
	if code, _, stderr := cli(t, "run", tiny, "--out", dir, "-q", "--no-plots"); code != exitOK {
		t.Errorf("second run into the same directory: got exit %d: %s", code, stderr)
	}
}

func TestRunDeterministic(t *testing.T) {
	one := runTiny(t, "--workers", "1", "--quiet")
	four := runTiny(t, "--workers", "4", "--quiet")
	a := readFile(t, filepath.Join(one, output.MetricsFile))
	b := readFile(t, filepath.Join(four, output.MetricsFile))
	if !bytes.Equal(a, b) {
		t.Errorf("metrics.csv differs between --workers 1 and --workers 4")
	}
}

func TestRunOverrides(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		seed   uint64
		agents int
		engine string
	}{
		{"defaults", nil, 7, 300, "agents"},
		{"seed", []string{"--seed", "99"}, 99, 300, "agents"},
		{"agents", []string{"--agents", "1_200"}, 7, 1200, "agents"},
		{"agents 1.5k", []string{"--agents", "1.5k"}, 7, 1500, "agents"},
		{"agents 4e3", []string{"--agents", "4e3"}, 7, 4000, "agents"},
		{"agents m is million", []string{"--agents", "0.0025m"}, 7, 2500, "agents"},
		{"meanfield", []string{"--engine", "meanfield"}, 7, 300, "meanfield"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := runTiny(t, append(tc.args, "--quiet")...)
			p := readSummary(t, dir).Provenance
			if p.Seed != tc.seed || p.Agents != tc.agents || p.Engine != tc.engine {
				t.Errorf("got seed %d, agents %d, engine %s; want %d, %d, %s",
					p.Seed, p.Agents, p.Engine, tc.seed, tc.agents, tc.engine)
			}
		})
	}
}

func TestRunQuiet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, "run", tiny, "--out", dir, "--quiet", "--no-plots")
	if code != exitOK || stdout != "" || stderr != "" {
		t.Errorf("got exit %d, stdout %q, stderr %q; want 0 and nothing", code, stdout, stderr)
	}
}

func TestRunDefaultOut(t *testing.T) {
	abs, err := filepath.Abs(tiny)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if code, _, stderr := cli(t, "run", abs, "-q", "--no-plots"); code != exitOK {
		t.Fatalf("got exit %d: %s", code, stderr)
	}
	for _, name := range resultFileNames {
		if _, err := os.Stat(filepath.Join("out", "tiny", name)); err != nil {
			t.Errorf("default output directory: %v", err)
		}
	}
}

// TestRunDefaultOutBesideFile checks that the default output directory
// still works where out is a file, as after 'interopsim run > out'.
func TestRunDefaultOutBesideFile(t *testing.T) {
	abs, err := filepath.Abs(tiny)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("out", []byte("a report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "run", abs, "--no-plots")
	if code != exitOK {
		t.Fatalf("got exit %d: %s", code, stderr)
	}
	want := filepath.Join("interopsim-out", "tiny")
	if !strings.Contains(squash(stdout), "output "+want+"\n") {
		t.Errorf("the report does not name %s as the output directory:\n%s", want, stdout)
	}
	if _, err := os.Stat(filepath.Join(want, output.MetricsFile)); err != nil {
		t.Error(err)
	}
	if b, _ := os.ReadFile("out"); string(b) != "a report\n" {
		t.Errorf("the file out was changed: %q", b)
	}
}

// checkNothingWritten fails if path exists.
func checkNothingWritten(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		t.Errorf("%s was created, want nothing written", path)
	}
}

func TestRunInvalidScenario(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, "run", "testdata/invalid.yaml", "--out", dir)
	if code != exitFailure {
		t.Errorf("got exit %d, want %d", code, exitFailure)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) < 2 {
		t.Errorf("got %d error lines, want one per mistake:\n%s", len(lines), stderr)
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "testdata/invalid.yaml:") {
			t.Errorf("error line %q is not located in testdata/invalid.yaml", line)
		}
	}
	if stdout != "" {
		t.Errorf("got stdout %q, want nothing", stdout)
	}
	checkNothingWritten(t, dir)

	code, _, stderr = cli(t, "run", "testdata/missing.yaml", "--out", dir)
	if code != exitFailure || !strings.Contains(stderr, "is neither a built-in") {
		t.Errorf("missing file: got exit %d, %q", code, stderr)
	}
	checkNothingWritten(t, dir)
}

func TestRunRefusesDirectory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
		force bool // whether --force then writes there
	}{
		{
			name: "other scenario",
			setup: func(t *testing.T, dir string) {
				if code, _, stderr := cli(t, "run", "walled-gardens", "--out", dir, "--agents", "1000", "-q", "--no-plots"); code != exitOK {
					t.Fatalf("run walled-gardens: exit %d: %s", code, stderr)
				}
			},
			want:  `holds the results of another run of scenario walled-gardens (file builtin:walled-gardens, resolved SHA-256 `,
			force: true,
		},
		{
			name: "a file of the user's where a result goes",
			setup: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte("my notes"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "holds summary.md, which interopsim did not write or which changed since it wrote it, and this job would replace or write through it: move it away or choose another output directory",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			before := snapshot(t, dir)
			code, _, stderr := cli(t, "run", tiny, "--out", dir, "--no-plots")
			if code != exitFailure || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want %d and %q", code, stderr, exitFailure, tc.want)
			}
			if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
				t.Errorf("the refused run changed the directory")
			}
			code, _, stderr = cli(t, "run", tiny, "--out", dir, "--force", "-q", "--no-plots")
			if !tc.force {
				if code != exitFailure || !strings.Contains(stderr, tc.want) {
					t.Errorf("with --force: got exit %d, %q; want %d and %q", code, stderr, exitFailure, tc.want)
				}
				if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
					t.Errorf("with --force: the refused run changed the directory")
				}
				return
			}
			if code != exitOK {
				t.Errorf("with --force: got exit %d: %s", code, stderr)
			}
			if s := readSummary(t, dir); s.Provenance.Scenario != "tiny" {
				t.Errorf("with --force: summary of %q, want tiny", s.Provenance.Scenario)
			}
		})
	}
}

func listNames(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, ",")
}

func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cliContext(t, ctx, "run", tiny, "--out", dir)
	want := "interopsim: interrupted after 0 of 1 run: nothing written; the output directory is as it was\n"
	if code != exitFailure || stderr != want || stdout != "" {
		t.Errorf("got exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, stderr, want)
	}
	checkNothingWritten(t, dir)
}

// cancelAfter is a context canceled once its Err has been asked n times:
// the run polls it between steps, so it stops a run at a chosen step.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestRunInterruptedKeepsEarlierResults interrupts an ensemble in its
// second replicate, in a directory holding an earlier run's results: the
// directory must be left exactly as it was.
func TestRunInterruptedKeepsEarlierResults(t *testing.T) {
	dir := runTiny(t)
	before := snapshot(t, dir)
	// tiny has 9 steps: the run polls once per step and once at its end.
	ctx := &cancelAfter{Context: context.Background(), n: 14}
	code, _, stderr := cliContext(t, ctx, "run", tiny, "--out", dir, "--runs", "3", "--force")
	want := "interopsim: interrupted after 1 of 3 runs: nothing written; the output directory is as it was\n"
	if code != exitFailure || stderr != want {
		t.Fatalf("got exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("the interrupted run changed the directory: %d files before, %d after", len(before), len(after))
	}
}

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRunMemoryCheck(t *testing.T) {
	sc, err := scenarios.Load(tiny)
	if err != nil {
		t.Fatal(err)
	}
	need := sim.MemoryEstimate(&sc.Config, sim.AgentBased)
	if need < 2048 {
		t.Skipf("the memory estimate of tiny is %d bytes: too small to test", need)
	}
	fakeMemory(t, "", "") // no cgroup limit; meminfo as each case writes it
	meminfo := meminfoPath

	for _, tc := range []struct {
		name, meminfo string
		wantCode      int
		want          string
	}{
		{"too little", "MemTotal: 8 kB\nMemAvailable:       1 kB\n", exitFailure, "not enough memory: the run needs about "},
		{"plenty", "MemAvailable: 64000000 kB\n", exitOK, ""},
		{"no figure", "MemTotal: 8 kB\n", exitOK, ""},
		{"unreadable", "", exitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(meminfo)
			if tc.meminfo != "" {
				if err := os.WriteFile(meminfo, []byte(tc.meminfo), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(t.TempDir(), "out")
			code, _, stderr := cli(t, "run", tiny, "--out", dir, "-q", "--no-plots")
			if code != tc.wantCode || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want %d and %q", code, stderr, tc.wantCode, tc.want)
			}
			if tc.wantCode != exitOK {
				checkNothingWritten(t, dir)
			}
		})
	}
}

func TestMemAvailable(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          uint64
		ok            bool
	}{
		{"linux", "MemTotal:       16318412 kB\nMemFree:  1 kB\nMemAvailable:   12058764 kB\n", 12058764 << 10, true},
		{"no unit", "MemAvailable: 4096\n", 4096, true},
		{"missing", "MemTotal: 5 kB\n", 0, false},
		{"garbage", "MemAvailable: lots kB\n", 0, false},
		{"odd unit", "MemAvailable: 5 parsecs\n", 0, false},
		{"empty value", "MemAvailable:\n", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, ok := memAvailable(path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := memAvailable(filepath.Join(dir, "absent")); ok {
		t.Errorf("absent file: got ok")
	}
}

// csvHeader returns the first line of the file at path.
func csvHeader(t *testing.T, path string) string {
	t.Helper()
	h, _, _ := strings.Cut(string(readFile(t, path)), "\n")
	return h
}

// TestMetricsLayout runs the real program as every kind of job, single
// runs and ensembles with either engine and comparisons, and checks that
// metrics.csv, baseline.csv and effects.csv have the one layout of
// output.StatColumns, runs.csv and baseline_runs.csv that of
// output.RunColumns, and that plot reads every directory.
func TestMetricsLayout(t *testing.T) {
	scenario, err := filepath.Abs(tiny)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	stats, runs := strings.Join(output.StatColumns, ","), strings.Join(output.RunColumns, ",")
	for _, tc := range []struct {
		name  string
		args  []string
		files map[string]string // file: header
	}{
		{"single", []string{"run"}, map[string]string{output.MetricsFile: stats}},
		{"meanfield", []string{"run", "--engine", "meanfield"}, map[string]string{output.MetricsFile: stats}},
		{"ensemble", []string{"run", "--runs", "3", "--keep-runs"}, map[string]string{output.MetricsFile: stats, output.RunsFile: runs}},
		{"compare", []string{"compare", "--runs", "2", "--keep-runs", "--at", "1m"}, map[string]string{
			output.MetricsFile: stats, output.BaselineFile: stats, output.EffectsFile: stats,
			output.RunsFile: runs, output.BaselineRunsFile: runs}},
		{"compare meanfield", []string{"compare", "--engine", "meanfield", "--at", "1m"}, map[string]string{
			output.MetricsFile: stats, output.BaselineFile: stats, output.EffectsFile: stats}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(work, strings.ReplaceAll(tc.name, " ", "-"))
			args := append(slices.Clone(tc.args), scenario, "--out", dir, "--no-plots", "-q")
			if code, stdout, stderr := runBinary(t, work, args...); code != exitOK {
				t.Fatalf("interopsim %v: got exit %d, want 0:\n%s%s", args, code, stdout, stderr)
			}
			for name, want := range tc.files {
				if got := csvHeader(t, filepath.Join(dir, name)); got != want {
					t.Errorf("%s has the header %s, want %s", name, got, want)
				}
			}
			if code, _, stderr := runBinary(t, work, "plot", dir, "-q", "--figures", "headline"); code != exitOK {
				t.Errorf("plot %s: got exit %d: %s", tc.name, code, stderr)
			}
		})
	}

	// A single run is an ensemble of one: runs 1, sd empty, and its value
	// as the mean and every percentile.
	lines := strings.Split(string(readFile(t, filepath.Join(work, "single", output.MetricsFile))), "\n")
	for _, want := range []string{"0,2024-01-01,tier1,adoption,alipay,1,0.8,,0.8,0.8,0.8"} {
		if !slices.Contains(lines, want) {
			t.Errorf("single run's metrics.csv lacks the line %q; it starts\n%s", want, strings.Join(lines[:3], "\n"))
		}
	}
}

// TestSummaryProvenance runs the real program on a built-in and on the
// scenario.yaml of its run, and checks that both summaries give the
// same resolved hash, the SHA-256 of scenario.yaml without its comment
// lines (which name the source), though their source bytes differ; and that they record the command
// line as given and when they were created.
func TestSummaryProvenance(t *testing.T) {
	work := t.TempDir()
	first := []string{"run", "taobao-wechat-pay", "--agents", "5k", "--no-plots", "-q"}
	again := []string{"run", "out/taobao-wechat-pay-agents5k/scenario.yaml", "--out", "again", "--no-plots", "-q"}
	start := time.Now().UTC().Truncate(time.Second)
	var provs []output.Provenance
	for _, args := range [][]string{first, again} {
		if code, stdout, stderr := runBinary(t, work, args...); code != exitOK {
			t.Fatalf("interopsim %v: got exit %d, want 0:\n%s%s", args, code, stdout, stderr)
		}
		dir := filepath.Join(work, "out", "taobao-wechat-pay-agents5k")
		if args[1] != "taobao-wechat-pay" {
			dir = filepath.Join(work, "again")
		}
		p := readSummary(t, dir).Provenance
		if !slices.Equal(p.Command, args) {
			t.Errorf("command: got %q, want %q", p.Command, args)
		}
		created, err := time.Parse(time.RFC3339, p.Created)
		if err != nil || !strings.HasSuffix(p.Created, "Z") || created.Before(start) || created.After(time.Now()) {
			t.Errorf("created: got %q (%v), want a UTC RFC 3339 time from %s to now", p.Created, err, start.Format(time.RFC3339))
		}
		// grep -v '^#' scenario.yaml | sha256sum
		var content []string
		for _, line := range strings.SplitAfter(string(readFile(t, filepath.Join(dir, output.ScenarioFile))), "\n") {
			if !strings.HasPrefix(line, "#") {
				content = append(content, line)
			}
		}
		sum := sha256.Sum256([]byte(strings.Join(content, "")))
		if p.ResolvedSHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: resolved_sha256 %s is not the SHA-256 of its scenario.yaml without comments, %x", dir, p.ResolvedSHA256, sum)
		}
		provs = append(provs, p)
	}
	if provs[0].ResolvedSHA256 != provs[1].ResolvedSHA256 {
		t.Errorf("resolved_sha256: the built-in gives %s, its scenario.yaml %s; want the same", provs[0].ResolvedSHA256, provs[1].ResolvedSHA256)
	}
	if provs[0].ScenarioSHA256 == provs[1].ScenarioSHA256 {
		t.Errorf("scenario_sha256 is %s for both the built-in and scenario.yaml, want the hashes of different sources", provs[0].ScenarioSHA256)
	}
}

// TestEnsembleSummary checks through the real program that the summary
// of an ensemble holds every figure of the table it prints with the
// interval it prints, under the metric it is shown as (lost_sales).
func TestEnsembleSummary(t *testing.T) {
	scenario, err := filepath.Abs(tiny)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	code, stdout, stderr := runBinary(t, work, "run", scenario, "--runs", "4", "--out", "ens", "--no-plots")
	if code != exitOK {
		t.Fatalf("got exit %d:\n%s%s", code, stdout, stderr)
	}
	s := readSummary(t, filepath.Join(work, "ens"))
	sc, err := scenarios.Load(tiny)
	if err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion != output.SchemaVersion || s.Provenance.Runs != 4 {
		t.Errorf("got schema version %d, runs %d; want %d, 4", s.SchemaVersion, s.Provenance.Runs, output.SchemaVersion)
	}
	if len(s.Moments) != 2 || s.Moments[0].Name != "before" || s.Moments[1].Name != "final" {
		t.Fatalf("got moments %+v, want before and final", s.Moments)
	}
	spread := 0
	for _, m := range s.Moments {
		for _, k := range output.HeadlineKeys(&sc.Config) {
			f := m.Figure(k)
			if f == nil {
				t.Fatalf("moment %s lacks %s, which the table shows", m.Name, k)
			}
			if f.Runs != 4 || !(f.P05 <= f.Mean && f.Mean <= f.P95) || math.IsNaN(float64(f.SD)) {
				t.Errorf("moment %s, %s: got %+v, want 4 runs, p05 <= mean <= p95 and an sd", m.Name, k, *f)
			}
			if f.P05 < f.P95 {
				spread++
			}
		}
	}
	if spread == 0 {
		t.Error("no figure has an interval: want p05 < p95 for some")
	}
	if m := s.Moments[1]; m.Figure(output.Key{Region: output.AllRegions, Metric: "lost_sales", Entity: "taobao"}) == nil {
		t.Error("the final moment lacks lost_sales of taobao")
	}
	if !strings.Contains(stdout, "lost sales per week") {
		t.Errorf("the table lacks the lost sales:\n%s", stdout)
	}
}

// TestRunSaysEffectComesFromCompare checks, through the real binary, that
// run on a scenario with an event says under its table that the change
// from "before" to "end" is not the event's effect and that compare
// measures it, and that its intervals are sampling noise only.
func TestRunSaysEffectComesFromCompare(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, "run", filepath.Join(mustAbs(t, "testdata"), "tiny.yaml"), "--runs", "3", "--no-plots", "--out", "run")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md := string(readFile(t, filepath.Join(dir, "run", output.ReportFile)))
	for _, text := range []string{stdout, md} {
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range []string{
			`The change from "before" to "end" is not the effect of the event (Taobao accepts WeChat Pay from 2024-02-01)`,
			`The effect comes from "interopsim compare ` + filepath.Join(mustAbs(t, "testdata"), "tiny.yaml") + `"`,
			"sampling noise of 3 replicates (5th to 95th percentile); parameter uncertainty not included",
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("no %q in:\n%s", want, text)
			}
		}
	}
	// compare's tables say so too.
	code, stdout, _ = cli(t, "compare", tiny, "--runs", "3", "--at", "1m", "--no-plots", "--out", filepath.Join(dir, "cmp"))
	if flat := strings.Join(strings.Fields(stdout), " "); code != exitOK ||
		strings.Count(flat, "sampling noise of 3 replicates (5th to 95th percentile); parameter uncertainty not included") != 2 {
		t.Errorf("compare: exit %d, want the noise line under both tables:\n%s", code, stdout)
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestRunCountsPopulation runs the tiny world with one agent per person
// on the count engine: the summary records 4,000,000 agents and the
// counts engine, the run is deterministic whatever the workers, and the
// default directory is out/tiny-population-counts.
func TestRunCountsPopulation(t *testing.T) {
	dir := runTiny(t, "--engine", "counts", "--agents", "population", "--workers", "1")
	s := readSummary(t, dir)
	if s.Provenance.Agents != 4_000_000 || s.Provenance.Engine != "counts" {
		t.Errorf("summary: %d agents, engine %q; want 4000000 and counts", s.Provenance.Agents, s.Provenance.Engine)
	}
	again := runTiny(t, "--engine", "counts", "--agents", "population", "--workers", "2")
	if !bytes.Equal(readFile(t, filepath.Join(dir, output.MetricsFile)), readFile(t, filepath.Join(again, output.MetricsFile))) {
		t.Error("metrics.csv differs between 1 and 2 workers")
	}
	abs, err := filepath.Abs(tiny)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if code, _, stderr := cli(t, "run", abs, "-q", "--no-plots", "--engine", "counts", "--agents", "population"); code != exitOK {
		t.Fatalf("got exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join("out", "tiny-population-counts", output.MetricsFile)); err != nil {
		t.Errorf("default output directory: %v", err)
	}
}
