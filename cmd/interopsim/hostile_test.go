package main

// Input that must get a clear error, never a panic, a hang or a flood
// (issue 12, items 7 to 11).

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
)

// writeScenario writes tiny.yaml with each old replaced by new into a
// temporary directory and returns its path.
func writeScenario(t *testing.T, replace ...string) string {
	t.Helper()
	src := string(readFile(t, "testdata/tiny.yaml"))
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(src, replace[i]) {
			t.Fatalf("tiny.yaml has no %q", replace[i])
		}
		src = strings.ReplaceAll(src, replace[i], replace[i+1])
	}
	path := filepath.Join(t.TempDir(), "hostile.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Item 7: numbers the engine or the figures cannot handle are located
// errors with the valid range. Before, a population of 5e-324 panicked in
// the engine (exit 2) and one of 1e60 in the PNG figures, or wrote an
// SVG of height NaN with exit 0.
func TestRunNumbersOutOfRange(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replace []string
		want    string
	}{
		{"tiny population", []string{"population: 1000000", "population: 5e-324", "population: 3000000", "population: 5e-324"},
			"regions[0].population: must be in [1,1e10], got 5e-324"},
		{"tiny share", []string{"share: 0.4,", "share: 5e-324,", "share: 0.6}", "share: 1}"},
			"regions[1].segments[0].share: must be in [1e-9,1], got 5e-324"},
		{"huge population", []string{"population: 1000000", "population: 1e60"},
			"regions[0].population: must be in [1,1e10], got 1e60"},
		{"huge shopping rate", []string{"shopping_rate: 30", "shopping_rate: 1e60"},
			"regions[0].shopping_rate: must be in [0,1e6], got 1e60"},
		{"huge appeal", []string{"appeal: 0.5", "appeal: 1000"},
			"platforms[0].appeal: must be in [-50,50], got 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, tc.replace...)
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := cli(t, "run", path, "-o", out, "--format", "svg", "-q")
			if code != exitFailure || !strings.Contains(stderr, path+":") || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want %d and %q located in %s", code, stderr, exitFailure, tc.want, path)
			}
		})
	}
}

// Item 7: at the ends of every range both engines give finite values
// and the figures have a size.
func TestRunExtremes(t *testing.T) {
	for _, engine := range []string{"agents", "meanfield"} {
		t.Run(engine, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := cli(t, "run", "testdata/hostile/extremes.yaml", "--engine", engine, "-o", out, "--format", "svg", "-q")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			st, err := output.ReadStats(bytes.NewReader(readFile(t, filepath.Join(out, output.MetricsFile))), "metrics.csv")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range st.Rows {
				if r.Metric == "adoption" && r.Runs != 1 {
					t.Errorf("step %d %s adoption %s: %v, want a value", r.Step, r.Region, r.Entity, r.Mean)
				}
			}
			figs, _ := filepath.Glob(filepath.Join(out, output.PlotsDir, "*.svg"))
			if len(figs) == 0 {
				t.Fatal("no figure written")
			}
			for _, f := range figs {
				if bytes.Contains(readFile(t, f), []byte("NaN")) {
					t.Errorf("%s holds NaN", f)
				}
			}
		})
	}
}

// Item 8: a region named all would give metrics.csv two rows per key.
func TestRegionNamedAll(t *testing.T) {
	path := writeScenario(t, "name: rural", "name: all", "{rural: -0.2}", "{all: -0.2}")
	code, _, stderr := cli(t, "validate", path)
	if code != exitFailure || !strings.Contains(stderr, `regions[1].name: "all" is reserved`) {
		t.Errorf("got exit %d, stderr %q; want %d and all reserved", code, stderr, exitFailure)
	}
	if scenarios.WholeCountry != output.AllRegions {
		t.Errorf("scenarios.WholeCountry %q, output.AllRegions %q: they must agree", scenarios.WholeCountry, output.AllRegions)
	}
}

// runBinaryTimeout is runBinary with a deadline: a hang fails the test
// instead of hanging it.
func runBinaryTimeout(t *testing.T, timeout time.Duration, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binaryPath(t), args...)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("interopsim %s: still running after %v (stderr %q)", strings.Join(args, " "), timeout, stderr.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// Item 9: a named pipe or a device as a scenario or as metrics.csv is
// refused before it is read, and a file over the limit is refused
// naming the limit. Before, /dev/zero was read until memory ran out and
// a FIFO waited forever for a writer.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, scenarios.MaxFileBytes+1); err != nil {
		t.Fatal(err)
	}
	// Run directories whose metrics.csv is a FIFO, /dev/zero, too large.
	runDir := func(name string, metrics func(path string) error) string {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, output.ScenarioFile), readFile(t, filepath.Join(handwritten, output.ScenarioFile)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := metrics(filepath.Join(d, output.MetricsFile)); err != nil {
			t.Skipf("%s: %v", name, err)
		}
		return d
	}
	fifoRun := runDir("fifo-run", func(p string) error { return syscall.Mkfifo(p, 0o600) })
	zeroRun := runDir("zero-run", func(p string) error { return os.Symlink("/dev/zero", p) })
	bigRun := runDir("big-run", func(p string) error {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			return err
		}
		return os.Truncate(p, output.MaxCSVBytes+1) // sparse: no disk used
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"fifo scenario", []string{"validate", fifo}, fifo + " is a named pipe (FIFO), not a regular file"},
		{"fifo scenario run", []string{"run", fifo, "-o", filepath.Join(dir, "out")}, fifo + " is a named pipe (FIFO), not a regular file"},
		{"device scenario", []string{"validate", "/dev/zero"}, "/dev/zero is a character device, not a regular file"},
		{"large scenario", []string{"validate", big}, big + " is larger than 10 MiB, the most interopsim reads from a scenario file"},
		{"fifo metrics", []string{"plot", fifoRun}, "metrics.csv is a named pipe (FIFO), not a regular file"},
		{"device metrics", []string{"plot", zeroRun}, "metrics.csv is a character device, not a regular file"},
		{"large metrics", []string{"plot", bigRun}, "metrics.csv is larger than 4 GiB, the most interopsim reads from a metrics file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runBinaryTimeout(t, 30*time.Second, tc.args...)
			if code != exitFailure || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want %d and %q", code, stderr, exitFailure, tc.want)
			}
		})
	}
}

// Item 10: escape codes in labels, keys and file names reach the
// terminal escaped; other characters, such as Chinese, as they are.
func TestEscapesPrinted(t *testing.T) {
	path := writeScenario(t, "label: Alipay", "label: \"Ali\\e]0;pwned\\apay 支付宝\"", "label: Taobao\n", "label: \"\\e[2J\\e[31mTaobao\"\n")
	code, stdout, stderr := cli(t, "validate", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.ContainsRune(stdout, 0x1b) || strings.ContainsRune(stdout, 0x07) {
		t.Errorf("validate printed raw control characters: %q", stdout)
	}
	for _, want := range []string{`Ali\x1b]0;pwned\apay 支付宝`, `\x1b[2J\x1b[31mTaobao`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("validate's output lacks %q:\n%s", want, stdout)
		}
	}

	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr = cli(t, "run", path, "-o", out, "--no-plots", "--engine", "meanfield")
	if code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if strings.ContainsRune(stdout, 0x1b) || !strings.Contains(stdout, `Ali\x1b]0;pwned\apay 支付宝`) {
		t.Errorf("run printed raw control characters or not the label: %q", stdout)
	}

	// Errors: an unknown key, a file name.
	bad := writeScenario(t, "seed: 7", "\"\\e]0;key\\a\": 7")
	code, _, stderr = cli(t, "validate", bad, "/tmp/no\x1b[2Jsuch.yaml")
	if code != exitFailure || strings.ContainsRune(stderr, 0x1b) || !strings.Contains(stderr, `\x1b]0;key\a: unknown key`) || !strings.Contains(stderr, `no\x1b[2Jsuch.yaml`) {
		t.Errorf("got exit %d, stderr %q; want %d and every escape code escaped", code, stderr, exitFailure)
	}
}

// Item 11: plot refuses values no run writes and steps past the horizon
// with located errors, warns of missing means, and takes percentiles out
// of order by rounding.
func TestPlotHostileValues(t *testing.T) {
	const header = "step,date,region,metric,entity,runs,mean,sd,p05,p50,p95\n"
	const good = "0,2024-01-01,all,adoption,alipay,1,0.5,,0.5,0.5,0.5\n"
	for _, tc := range []struct {
		name, csv string
		want      string // D stands for the run directory
	}{
		{"huge value", header + good + "1,2024-01-08,all,lost_sales,taobao,1,1e308,,1e308,1e308,1e308\n",
			`D/metrics.csv:3: column mean: "1e308" is out of range: values are finite, at most 1e30 in magnitude, or empty for a missing value`},
		{"infinity", header + good + "1,2024-01-08,all,adoption,alipay,1,0.5,,-inf,0.5,0.5\n",
			`D/metrics.csv:3: column p05: "-inf" is out of range`},
		{"past the horizon", header + good + "500,2033-08-01,all,adoption,alipay,1,0.5,,0.5,0.5,0.5\n",
			`D/metrics.csv: column step: step 500 is past the horizon of D/scenario.yaml (steps 0 to 8, the last starting on 2024-02-26), first on data row 2`},
		{"date off its step", header + good + "1,2024-01-09,all,adoption,alipay,1,0.5,,0.5,0.5,0.5\n",
			`D/metrics.csv: column date: date 2024-01-09 is not the first day of step 1 in D/scenario.yaml (2024-01-08), first on data row 2`},
		{"percentiles out of order", header + good + "1,2024-01-08,all,adoption,alipay,2,0.5,0.1,0.6,0.5,0.55\n",
			`D/metrics.csv:3: column p05: 0.6 is above p50 (0.5): percentiles must not decrease`},
		{"negative sd", header + good + "1,2024-01-08,all,adoption,alipay,2,0.5,-0.1,0.4,0.5,0.6\n",
			`D/metrics.csv:3: column sd: must not be negative, got -0.1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := badRun(t, tc.csv)
			code, stdout, stderr := cli(t, "plot", dir, "--format", "svg")
			want := strings.ReplaceAll(tc.want, "D/", dir+"/")
			if code != exitFailure || !strings.Contains(stderr, want) || stdout != "" {
				t.Errorf("got exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, exitFailure, want)
			}
		})
	}

	t.Run("missing means", func(t *testing.T) {
		dir := badRun(t, header+good+
			"1,2024-01-08,all,adoption,alipay,1,NaN,,,,\n"+
			"2,2024-01-15,all,adoption,alipay,1,,,,,\n"+
			"3,2024-01-22,all,adoption,alipay,0,0.5,,,,\n")
		code, _, stderr := cli(t, "plot", dir, "--format", "svg", "--figures", "adoption")
		want := "warning: " + dir + "/metrics.csv:3: column mean: missing though runs is 1: drawn as a gap (and 1 more such rows)\n" +
			"warning: " + dir + "/metrics.csv:5: column runs: is 0 (no replicate has a value) but mean is given: the mean is drawn\n"
		if code != exitOK || stderr != want {
			t.Errorf("got exit %d, stderr %q; want %d and %q", code, stderr, exitOK, want)
		}
	})

	// Two identical runs: interpolating the 95th percentile between two
	// equal values misses them by a unit in the last place. Before, plot
	// failed with "p05 0.8040489875 above p95 0.8040489874999999".
	t.Run("identical runs", func(t *testing.T) {
		const row = ",0,2024-01-01,all,adoption,alipay,0.8040489875\n"
		dir := badRun(t, "run,step,date,region,metric,entity,value\n0"+row+"1"+row)
		code, _, stderr := cli(t, "plot", dir, "--format", "svg", "-q")
		if code != exitOK {
			t.Errorf("got exit %d, stderr %q; want %d", code, stderr, exitOK)
		}
	})
}
