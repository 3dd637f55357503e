package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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
	dir := filepath.Join(t.TempDir(), "results", "tiny")
	code, stdout, stderr := cli(t, "run", tiny, "--out", dir)
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	for _, want := range []string{
		"scenario tiny (testdata/tiny.yaml)\n", "agents 300\n",
		"steps 9 weeks, 2024-01-01 to 2024-03-04\n", "seed 7\n",
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
	tab, err := output.ReadCSV(bytes.NewReader(readFile(t, path)), path)
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
	}{
		{
			name: "other scenario",
			setup: func(t *testing.T, dir string) {
				if code, _, stderr := cli(t, "run", "walled-gardens", "--out", dir, "--agents", "1000", "-q", "--no-plots"); code != exitOK {
					t.Fatalf("run walled-gardens: exit %d: %s", code, stderr)
				}
			},
			want: `holds results of scenario "walled-gardens": use --force to write there anyway, or choose another --out`,
		},
		{
			name: "foreign file",
			setup: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "holds files that are not interopsim results: thesis.tex: use --force",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			before := listNames(t, dir)
			code, _, stderr := cli(t, "run", tiny, "--out", dir, "--no-plots")
			if code != exitFailure || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want %d and %q", code, stderr, exitFailure, tc.want)
			}
			if after := listNames(t, dir); after != before {
				t.Errorf("directory changed from %s to %s", before, after)
			}
			if code, _, stderr := cli(t, "run", tiny, "--out", dir, "--force", "-q", "--no-plots"); code != exitOK {
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
	code, _, stderr := cliContext(t, ctx, "run", tiny, "--out", dir, "--runs", "3")
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
	meminfo := filepath.Join(t.TempDir(), "meminfo")
	old := meminfoPath
	t.Cleanup(func() { meminfoPath = old })
	meminfoPath = meminfo

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
