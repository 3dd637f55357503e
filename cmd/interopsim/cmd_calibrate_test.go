package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/output"
)

// calibrateDir copies testdata/calibrate (a monthly history-like
// scenario with a calibrate section and its data) into a temporary
// directory and returns it.
func calibrateDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"history-like.yaml", "observed.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "calibrate", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCalibrateBinary calibrates the scenario's calibrate section through
// the real binary, checks the files and that the intervals cover the
// values that made the data, then runs fitted.yaml as is.
func TestCalibrateBinary(t *testing.T) {
	dir := calibrateDir(t)
	code, stdout, stderr := runBinary(t, dir, "calibrate", "history-like.yaml", "--starts", "1", "--band-runs", "2")
	if code != 0 {
		t.Fatalf("calibrate: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "out", "history-like-calibrate-starts1")
	for _, f := range []string{"fitted.yaml", "parameters.csv", "fit.csv", "draws.csv", "summary.md", "summary.json", "plots/fit.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	truth := map[string]float64{"methods.alipay.q": 0.45, "methods.wechat_pay.q": 0.85, "platforms.jd.appeal": 0.2}
	rows := readCSV(t, filepath.Join(out, "parameters.csv"))
	if len(rows) != 4 {
		t.Fatalf("parameters.csv has %d rows, want a header and 3", len(rows))
	}
	for _, r := range rows[1:] {
		lo, _ := strconv.ParseFloat(r[5], 64)
		hi, _ := strconv.ParseFloat(r[6], 64)
		if w := truth[r[0]]; !(lo < w && w < hi) || r[8] != "true" {
			t.Errorf("%s: interval [%s, %s] pinned %s, want one covering %g", r[0], r[5], r[6], r[8], w)
		}
	}
	fitted, _ := os.ReadFile(filepath.Join(out, "fitted.yaml"))
	if !strings.HasPrefix(string(fitted), "# Fitted by: interopsim calibrate history-like.yaml --starts 1 --band-runs 2\n") {
		t.Errorf("fitted.yaml does not start with the command:\n%.200s", fitted)
	}
	if !strings.Contains(stdout, "methods.alipay.q") || !strings.Contains(stdout, "RMSE") {
		t.Errorf("report lacks the parameters or the fit:\n%s", stdout)
	}
	code, stdout, stderr = runBinary(t, dir, "run", filepath.Join(out, "fitted.yaml"), "--engine", "meanfield", "--no-plots", "-q")
	if code != 0 {
		t.Fatalf("run fitted.yaml: exit %d\n%s%s", code, stdout, stderr)
	}
	// draws.csv: 200 draws (the default) of the three parameters, in the
	// record of files, named by fitted.yaml, which runs with them.
	cr := csv.NewReader(strings.NewReader(mustRead(t, filepath.Join(out, "draws.csv"))))
	cr.Comment = '#'
	draws, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(draws) != 201 || strings.Join(draws[0], ",") != "draw,methods.alipay.q,methods.wechat_pay.q,platforms.jd.appeal" {
		t.Errorf("draws.csv has %d rows, header %v; want a header and 200 draws", len(draws), draws[0])
	}
	if s := readSummary(t, out); !slices.ContainsFunc(s.Files, func(f output.FileRecord) bool { return f.Name == "draws.csv" }) {
		t.Errorf("summary.json's files lack draws.csv: %v", s.Files)
	}
	if !strings.Contains(string(fitted), "\nparameter_draws: {file: draws.csv, sha256: ") {
		t.Errorf("fitted.yaml does not name draws.csv")
	}
	code, stdout, stderr = runBinary(t, dir, "run", filepath.Join(out, "fitted.yaml"), "--engine", "meanfield", "--param-draws", "3", "--no-plots", "--out", "with-draws")
	if code != 0 {
		t.Fatalf("run fitted.yaml --param-draws 3: exit %d\n%s%s", code, stdout, stderr)
	}
	u := readSummary(t, filepath.Join(dir, "with-draws")).Uncertainty
	if u == nil || u.Sampling || u.Parameters == nil || u.Parameters.Draws != 3 || u.Parameters.Method != "sir" {
		t.Errorf("uncertainty %+v, want 3 parameter draws by sir without sampling noise", u)
	}
	if !strings.Contains(squash(stdout), "intervals parameter uncertainty only (3 parameter draws of methods.alipay.q, methods.wechat_pay.q, platforms.jd.appeal, sir, from draws.csv;") {
		t.Errorf("stdout does not say what the intervals are:\n%s", stdout)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCalibrateDeterministic fits twice, on one worker and on two: the
// parameters.csv and draws.csv files are the same bytes. The holdout keeps the fit to
// 2016-2017, which keeps the test short.
func TestCalibrateDeterministic(t *testing.T) {
	dir := calibrateDir(t)
	t.Chdir(dir)
	var files [2][]byte
	for i, w := range []string{"1", "2"} {
		o := "out-" + w
		code, stdout, stderr := cli(t, "calibrate", "history-like.yaml", "--starts", "2", "--seed", "3", "--workers", w,
			"--holdout", "2018-01-01", "--no-intervals", "--no-plots", "-q", "--out", o)
		if code != 0 {
			t.Fatalf("workers %s: exit %d\n%s%s", w, code, stdout, stderr)
		}
		for _, f := range []string{"parameters.csv", "draws.csv"} {
			b, err := os.ReadFile(filepath.Join(o, f))
			if err != nil {
				t.Fatal(err)
			}
			files[i] = append(files[i], b...)
		}
	}
	if string(files[0]) != string(files[1]) {
		t.Errorf("parameters.csv and draws.csv differ between 1 and 2 workers:\n%.2000s\n%.2000s", files[0], files[1])
	}
}

// TestCalibrateErrors checks the exit status and message of bad flags
// (2) and bad files (1), and that nothing is written.
func TestCalibrateErrors(t *testing.T) {
	dir := calibrateDir(t)
	t.Chdir(dir)
	os.WriteFile("bad.csv", []byte("period,region,metric,entity,value\n2017,all,adoption,alipay,0.7\n2018,all,adoption,paypal,x\n"), 0o644)
	os.WriteFile("nocal.yaml", []byte(strings.Split(mustRead(t, "history-like.yaml"), "\ncalibrate:")[0]), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown param", []string{"--free", "behaviour.gama=0:1"}, 2, `unknown parameter "behaviour.gama"; valid forms: behaviour.beta`},
		{"unknown method", []string{"--free", "methods.paypal.q=0:1"}, 2, `unknown method "paypal" (valid: alipay, wechat_pay)`},
		{"bounds order", []string{"--free", "behaviour.gamma=2:1"}, 2, "lower bound 2 must be below upper bound 1"},
		{"bounds range", []string{"--free", "behaviour.beta=0:2"}, 2, "must lie within its valid range (in [0,1])"},
		{"bad holdout", []string{"--holdout", "2019"}, 2, "want a date written YYYY-MM-DD"},
		{"holdout past data", []string{"--holdout", "2030-01-01"}, 2, "0 start after it"},
		{"bad data", []string{"--data", "bad.csv"}, 1, `bad.csv: row 3, column 4 (entity): unknown entity "paypal" of metric adoption`},
		{"bad value", []string{"--data", "bad.csv"}, 1, `bad.csv: row 3, column 5 (value): want a finite number, got "x"`},
		{"missing data", []string{"--data", "none.csv"}, 1, "read data: open none.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := cli(t, append([]string{"calibrate", "history-like.yaml"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, want string
		args       []string
	}{
		{"no free", "no free parameters", []string{"calibrate", "nocal.yaml", "--data", "observed.csv"}},
		{"no data", "no data: give --data", []string{"calibrate", "nocal.yaml", "--free", "behaviour.gamma=0:3"}},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", tc.name, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Errorf("a failed calibration left out/ behind (%v)", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestShellWords(t *testing.T) {
	got := shellWords([]string{"calibrate", "my world.yaml", "--free", "behaviour.gamma=0:3", "it's", ""})
	want := `calibrate 'my world.yaml' --free behaviour.gamma=0:3 'it'\''s' ''`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// calibrate of a built-in with no other argument finds the data its
// calibrate section names from any directory: here it reads all 16
// points before a holdout after the last of them is refused (exit 2,
// nothing written), without running the fit.
func TestCalibrateBuiltinData(t *testing.T) {
	work := t.TempDir()
	// The built-in, and a copy of it made by init, which names the data
	// as builtin:data/...
	if code, _, stderr := runBinary(t, work, "init", "my-history", "--from", "alipay-vs-wechat-2013"); code != exitOK {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	for _, sc := range []string{"alipay-vs-wechat-2013", "my-history.yaml"} {
		code, stdout, stderr := runBinary(t, work, "calibrate", sc, "--holdout", "2019-01-01")
		want := "--holdout 2019-01-01: 16 data points end by it and 0 start after it"
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("%s: got exit %d, stdout %q, stderr %q; want %d and %q", sc, code, stdout, stderr, exitUsage, want)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "out")); err == nil {
		t.Error("the refused calibration wrote out/")
	}
}

// TestCalibrateDrawsFallback calibrates WeChat Pay's appeal within bounds
// that its estimate reaches (one-sided, so proposed uniformly) with
// gamma: so few SIR proposals carry the weight that resampling would
// repeat a few points, and the draws fall back to the Laplace
// approximation, saying so.
func TestCalibrateDrawsFallback(t *testing.T) {
	dir := calibrateDir(t)
	os.WriteFile(filepath.Join(dir, "nocal.yaml"), []byte(strings.Split(mustRead(t, filepath.Join(dir, "history-like.yaml")), "\ncalibrate:")[0]), 0o644)
	code, stdout, stderr := runBinary(t, dir, "calibrate", "nocal.yaml", "--data", "observed.csv", "--free", "behaviour.gamma=0:3",
		"--free", "methods.wechat_pay.appeal=-1:1", "--draws", "40", "--band-runs", "0", "--no-plots", "--out", "res")
	if code != 0 {
		t.Fatalf("calibrate: exit %d\n%s%s", code, stdout, stderr)
	}
	draws := mustRead(t, filepath.Join(dir, "res", "draws.csv"))
	if !strings.HasPrefix(draws, "# interopsim draws: method=laplace draws=40 proposals=200 ess=") || !strings.Contains(draws, "sir-fallback=true") {
		t.Errorf("draws.csv starts %.120q, want Laplace draws after a refused SIR", draws)
	}
	if md := mustRead(t, filepath.Join(dir, "res", "summary.md")); !strings.Contains(md, "Sampling-importance-resampling was tried and refused") {
		t.Errorf("summary.md does not say the draws fell back")
	}
}
