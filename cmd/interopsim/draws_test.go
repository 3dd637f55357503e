package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// tinyDraws are three draws over parameters of the tiny scenario.
const tinyDraws = `# interopsim draws: method=laplace draws=3
draw,behaviour.gamma,methods.wechat_pay.appeal
1,0.5,-0.3
2,1.5,0.2
3,1,0.6
`

// tinyWithDraws writes the tiny scenario naming csv as its
// parameter_draws into a temporary directory and returns the directory.
func tinyWithDraws(t *testing.T, csv string) string {
	t.Helper()
	dir := t.TempDir()
	src := string(readFile(t, tiny)) + "parameter_draws: draws.csv\n"
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "draws.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// effectSD returns the runs, sd, p05 and p95 of the effect on WeChat
// Pay's share of the payments of platform, nationally, at step of the
// comparison in dir.
func effectSD(t *testing.T, dir, platform string, step int) (runs int, sd, p05, p95 float64) {
	t.Helper()
	st := readStats(t, filepath.Join(dir, output.EffectsFile))
	for _, r := range st.Rows {
		if r.Step == step && r.Region == output.AllRegions && r.Metric == "payment_share" && r.Entity == platform+"/wechat_pay" {
			return r.Runs, float64(r.SD), float64(r.P05), float64(r.P95)
		}
	}
	t.Fatalf("%s: no effect on %s/wechat_pay at step %d", dir, platform, step)
	return 0, 0, 0, 0
}

// TestParamDrawsWiden compares the flagship with walled-gardens, 16
// paired replicates of 10,000 agents, without and with 16 parameter sets
// of the flagship's own parameter_draws (its fitted appeals): with them,
// the interval of the effect on WeChat Pay's share of Taobao/Tmall
// payments 12 months after the opening (step 140) is wider, and the
// variance of the paired differences larger by more than chance allows:
// the ratio of the variances of two samples of 16 from the same
// distribution exceeds 3.52 (the 99th percentile of F(15, 15)) one time
// in a hundred; the fitted WeChat Pay appeal's draws move the effect by
// many sampling sds.
func TestParamDrawsWiden(t *testing.T) {
	if testing.Short() {
		t.Skip("two comparisons of the flagship")
	}
	base := []string{"compare", "taobao-wechat-pay", "--baseline", "walled-gardens", "--agents", "10k", "--runs", "16", "--at", "12m", "--no-plots", "-q"}
	dirs := [2]string{filepath.Join(t.TempDir(), "sampling"), filepath.Join(t.TempDir(), "draws")}
	for i, extra := range [][]string{nil, {"--param-draws", "16"}} {
		args := append(append(append([]string(nil), base...), "--out", dirs[i]), extra...)
		if code, stdout, stderr := cli(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	n0, sd0, lo0, hi0 := effectSD(t, dirs[0], "taobao_tmall", 140)
	n1, sd1, lo1, hi1 := effectSD(t, dirs[1], "taobao_tmall", 140)
	t.Logf("sampling only: sd %.4f, 90%% interval [%.4f, %.4f]; with draws: sd %.4f, [%.4f, %.4f]", sd0, lo0, hi0, sd1, lo1, hi1)
	if n0 != 16 || n1 != 16 {
		t.Fatalf("runs %d and %d, want 16", n0, n1)
	}
	if !(hi1-lo1 > hi0-lo0) {
		t.Errorf("interval with draws %.4f wide, without %.4f: want it wider", hi1-lo1, hi0-lo0)
	}
	if r := sd1 * sd1 / (sd0 * sd0); r < 3.52 {
		t.Errorf("variance ratio %.2f, want above 3.52 (F(15,15) 99th percentile)", r)
	}
	u := readSummary(t, dirs[1]).Uncertainty
	if u == nil || !u.Sampling || u.Parameters == nil || u.Parameters.Draws != 16 || u.Parameters.Method != "sir" ||
		strings.Join(u.Parameters.Params, " ") != "methods.wechat_pay.appeal platforms.jd.appeal platforms.pinduoduo.appeal platforms.douyin.appeal" {
		t.Errorf("uncertainty %+v, want sampling and 16 draws by sir", u)
	}
	md := string(readFile(t, filepath.Join(dirs[1], output.ReportFile)))
	if !strings.Contains(md, `sampling noise and parameter uncertainty (16 parameter draws of methods.wechat\_pay.appeal, platforms.jd.appeal, platforms.pinduoduo.appeal, platforms.douyin.appeal, sir, from fitted\_appeals.csv)`) {
		t.Errorf("summary.md does not say what the intervals include")
	}
	if md := string(readFile(t, filepath.Join(dirs[0], output.ReportFile))); !strings.Contains(md, "parameter uncertainty not included") {
		t.Errorf("summary.md without draws does not say sampling noise only")
	}
}

// TestParamDrawsRun runs the tiny scenario with its parameter_draws:
// the directory's default name, what it records, the same bytes on one
// worker and two, and its scenario.yaml, which runs again from the
// directory with the same results.
func TestParamDrawsRun(t *testing.T) {
	dir := tinyWithDraws(t, tinyDraws)
	run := func(wd string, args ...string) string {
		t.Helper()
		code, stdout, stderr := runBinary(t, wd, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
		return stdout
	}
	stdout := run(dir, "run", "tiny.yaml", "--param-draws", "3", "--runs", "6", "--workers", "1")
	out := filepath.Join(dir, "out", "tiny-runs6-draws3")
	if !strings.Contains(squash(stdout), "parameter sets 3 draws of behaviour.gamma, methods.wechat_pay.appeal from draws.csv; replicate r runs with set r mod 3") ||
		!strings.Contains(squash(stdout), "intervals sampling noise and parameter uncertainty (3 parameter draws") {
		t.Errorf("stdout does not say what ran:\n%s", stdout)
	}
	s := readSummary(t, out)
	if p := s.Uncertainty.Parameters; p == nil || p.Draws != 3 || p.Method != "laplace" || p.Source != "draws.csv" || s.Provenance.Runs != 6 {
		t.Errorf("summary: runs %d, uncertainty %+v", s.Provenance.Runs, s.Uncertainty)
	}
	if got, want := readFile(t, filepath.Join(out, paramDrawsFile)), []byte(tinyDraws); !bytes.Equal(got, want) {
		t.Errorf("%s is not a copy of the draws file", paramDrawsFile)
	}
	resolved := string(readFile(t, filepath.Join(out, output.ScenarioFile)))
	if !strings.Contains(resolved, "parameter_draws: {file: parameter_draws.csv, sha256: "+s.Uncertainty.Parameters.SHA256+"}") {
		t.Errorf("scenario.yaml does not name the copy of the draws:\n%s", resolved)
	}
	run(dir, "run", "tiny.yaml", "--param-draws", "3", "--runs", "6", "--workers", "2", "--out", "two")
	metrics := readFile(t, filepath.Join(out, output.MetricsFile))
	if !bytes.Equal(metrics, readFile(t, filepath.Join(dir, "two", output.MetricsFile))) {
		t.Errorf("metrics.csv differs between one worker and two")
	}
	run(t.TempDir(), "run", filepath.Join(out, output.ScenarioFile), "--param-draws", "3", "--runs", "6", "--out", filepath.Join(dir, "again"))
	if !bytes.Equal(metrics, readFile(t, filepath.Join(dir, "again", output.MetricsFile))) {
		t.Errorf("the run of the directory's scenario.yaml differs")
	}
	// Other parameter sets are another job: refused in the same directory.
	code, _, stderr := runBinary(t, dir, "run", "tiny.yaml", "--param-draws", "2", "--runs", "6", "--out", out)
	if code != exitFailure || !strings.Contains(stderr, "holds the results of another") || !strings.Contains(stderr, "3 parameter draws") {
		t.Errorf("a run with 2 draws into the directory of 3: exit %d, %s", code, stderr)
	}
	// Without --runs, one replicate per set; the mean-field engine runs
	// each set once.
	run(dir, "compare", "tiny.yaml", "--param-draws", "3", "--engine", "meanfield", "--at", "1m", "--no-plots")
	cmp := filepath.Join(dir, "out", "tiny-vs-tiny-no-acceptance-meanfield-draws3")
	if n, sd, _, _ := effectSD(t, cmp, "taobao", 8); n != 3 || !(sd > 0) {
		t.Errorf("mean-field comparison with 3 draws: %d runs, sd %g; want 3 runs that differ", n, sd)
	}
	cs := readSummary(t, cmp)
	if u := cs.Uncertainty; u.Sampling || u.Parameters == nil {
		t.Errorf("mean-field uncertainty %+v, want parameters only", u)
	}
	if e := cs.Comparison.Effects[0]; e.ParameterShare == nil || *e.ParameterShare != 1 {
		t.Errorf("mean-field effect %+v: want all of its variance from the parameters", e)
	}
	// With sampling noise and two replicates per set, the headline
	// effect's variance is shared out, in summary.md too.
	run(dir, "compare", "tiny.yaml", "--param-draws", "3", "--runs", "6", "--at", "1m", "--no-plots", "--out", "shares")
	cs = readSummary(t, filepath.Join(dir, "shares"))
	if e := cs.Comparison.Effects[0]; e.ParameterShare == nil || !(*e.ParameterShare >= 0 && *e.ParameterShare <= 1) {
		t.Errorf("effect %+v: want a parameter share in [0, 1]", e)
	}
	if md := string(readFile(t, filepath.Join(dir, "shares", output.ReportFile))); !strings.Contains(md, "from the parameter sets (law of total variance; the rest is sampling noise): +1m ") {
		t.Errorf("summary.md lacks the share of the variance from the parameters")
	}
}

// TestParamDrawsErrors checks the mistakes of the flags and of draws
// files through the real binary: a usage error (exit 2) or a located
// error (exit 1), and nothing written.
func TestParamDrawsErrors(t *testing.T) {
	bad := "draw,behaviour.gamma,methods.wechat_pay.appeal\n1,0.5,0.1\n2,1,80\n"
	for _, tc := range []struct {
		name string
		csv  string // the scenario's draws file
		args []string
		code int
		want string
	}{
		{"no distribution", "", []string{"run", tiny, "--param-draws", "2"}, exitUsage,
			"--param-draws 2: scenario tiny names no parameter draws; give --draws FILE"},
		{"too many", tinyDraws, []string{"run", "tiny.yaml", "--param-draws", "4"}, exitUsage,
			"--param-draws 4: draws.csv holds 3 draws; want at most 3"},
		{"zero", tinyDraws, []string{"run", "tiny.yaml", "--param-draws", "0"}, exitUsage, "--param-draws 0: want at least 1"},
		{"negative", tinyDraws, []string{"compare", "tiny.yaml", "--param-draws", "-1"}, exitUsage, "--param-draws -1: want at least 1"},
		{"draws alone", tinyDraws, []string{"run", "tiny.yaml", "--draws", "draws.csv"}, exitUsage,
			"--draws draws.csv names the distribution of --param-draws K, which is missing"},
		{"fewer runs", tinyDraws, []string{"compare", "tiny.yaml", "--param-draws", "3", "--runs", "2"}, exitUsage,
			"--runs 2 is fewer than --param-draws 3"},
		{"meanfield runs", tinyDraws, []string{"run", "tiny.yaml", "--param-draws", "3", "--runs", "6", "--engine", "meanfield"}, exitUsage,
			"the mean-field engine runs once per parameter set"},
		{"bad value", bad, []string{"run", "tiny.yaml", "--param-draws", "2"}, exitFailure,
			"draws.csv: row 3, column 3 (methods.wechat_pay.appeal): methods.wechat_pay.appeal must be in [-50,50], got 80"},
		{"bad value, even unused", bad, []string{"run", "tiny.yaml"}, exitFailure, "row 3, column 3 (methods.wechat_pay.appeal)"},
		{"bad --draws", tinyDraws, []string{"run", tiny, "--param-draws", "1", "--draws", "other.csv"}, exitFailure,
			"--draws: other.csv: row 1, column 2 (behaviour.gama): unknown parameter \"behaviour.gama\""},
		{"missing --draws", tinyDraws, []string{"run", tiny, "--param-draws", "1", "--draws", "nothing.csv"}, exitFailure,
			"nothing.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tinyWithDraws(t, tc.csv)
			if err := os.WriteFile(filepath.Join(dir, "other.csv"), []byte("draw,behaviour.gama\n1,1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := tc.args
			if args[1] == tiny {
				abs, _ := filepath.Abs(tiny)
				args = append([]string{args[0], abs}, args[2:]...)
			}
			code, _, stderr := runBinary(t, dir, append(args, "--out", "res")...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
			checkNothingWritten(t, filepath.Join(dir, "res"))
		})
	}
}

// TestWithDraw sets every kind of parameter of the history scenario
// (which has every kind of entity) in a copy: the scenario itself is
// unchanged, whichever slice of the Config the parameter lives in.
func TestWithDraw(t *testing.T) {
	sc, err := scenarios.Load("alipay-vs-wechat-2013")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &sc.Config
	for kind := sim.ParamKind(0); ; kind++ {
		p := sim.Param{Kind: kind}
		before, err := cfg.Get(p)
		if err != nil {
			if strings.Contains(err.Error(), "unknown parameter kind") {
				if kind < 10 {
					t.Fatalf("only %d parameter kinds", kind)
				}
				break
			}
			continue // no entity of the kind in this scenario
		}
		set := &paramSets{k: 1, draws: &scenarios.Draws{File: "test", Params: []sim.Param{p}, Values: [][]float64{{before + 0.25}}}}
		set.draws.Names = []string{paramName(t, cfg, p)}
		c, err := withDraw(cfg, set, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := c.Get(p); got != before+0.25 {
			t.Errorf("%s: copy has %g, want %g", set.draws.Names[0], got, before+0.25)
		}
		if after, _ := cfg.Get(p); after != before {
			t.Errorf("%s: setting it in the copy changed the scenario from %g to %g", set.draws.Names[0], before, after)
		}
	}
}

// paramName returns the name, as in set events, of the parameter p of
// cfg at index 0, found among the forms scenarios.ParamForms lists.
func paramName(t *testing.T, cfg *sim.Config, p sim.Param) string {
	t.Helper()
	names := map[string][]string{
		"<method>": {cfg.Methods[0].Name}, "<platform>": {cfg.Platforms[0].Name}, "<region>": {cfg.Regions[0].Name},
	}
	if len(cfg.Channels) > 0 {
		names["<channel>"] = []string{cfg.Channels[0].Name}
	}
	for _, form := range strings.Split(scenarios.ParamForms, ", ") {
		name := form
		for k, v := range names {
			name = strings.Replace(name, k, v[0], 1)
		}
		if q, err := scenarios.ParseParam(cfg, name); err == nil && q == p {
			return name
		}
	}
	t.Fatalf("no name for parameter %+v", p)
	return ""
}
