package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tornadoRows reads a tornado.csv into rows keyed by column name.
func tornadoRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, k := range recs[0] {
			m[k] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// TestTornado checks the tornado on the tiny world: its scenario row is
// compare's mean-field effect, raising WeChat Pay's appeal raises its
// effect on Taobao's payment share, the report orders the parameters by
// swing, and the figure is written.
func TestTornado(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tor")
	code, stdout, stderr := cli(t, "tornado", tiny, "--vary", "methods.wechat_pay.appeal=-1:1", "--vary", "behaviour.delta=0:0.6",
		"--at", "2w,1m", "--figure-at", "1m", "--out", dir)
	if code != exitOK {
		t.Fatalf("tornado: exit %d\n%s%s", code, stdout, stderr)
	}
	effect := func(rows []map[string]string, setting, param, horizon string) float64 {
		t.Helper()
		for _, r := range rows {
			if r["setting"] == setting && r["parameter"] == param && r["horizon"] == horizon && r["region"] == "all" &&
				r["metric"] == "payment_share" && r["entity"] == "taobao/wechat_pay" {
				x, err := strconv.ParseFloat(r["effect"], 64)
				if err != nil {
					t.Fatal(err)
				}
				return x
			}
		}
		t.Fatalf("no row %s %s %s", setting, param, horizon)
		return 0
	}
	rows := tornadoRows(t, filepath.Join(dir, tornadoFile))
	lo := effect(rows, "lo", "methods.wechat_pay.appeal", "1m")
	hi := effect(rows, "hi", "methods.wechat_pay.appeal", "1m")
	base := effect(rows, "scenario", "", "1m")
	if !(lo < base && base < hi) {
		t.Errorf("WeChat Pay's effect on Taobao at appeal -1, 0.2-as-given, 1: %v, %v, %v; want increasing", lo, base, hi)
	}
	// The scenario's row is what compare measures with the mean field.
	cmp := compareTiny(t, "--engine", "meanfield")
	for _, r := range effectsAtRows(t, filepath.Join(cmp, "effects_at.csv")) {
		if r["horizon"] == "1m" && r["region"] == "all" && r["metric"] == "payment_share" && r["entity"] == "taobao/wechat_pay" {
			want, _ := strconv.ParseFloat(r["effect"], 64)
			if d := base - want; d > 1e-9 || d < -1e-9 {
				t.Errorf("tornado's scenario effect %v, compare's %v", base, want)
			}
		}
	}
	md := string(readFile(t, filepath.Join(dir, "summary.md")))
	if i, j := strings.Index(md, "`methods.wechat_pay.appeal`"), strings.Index(md, "`behaviour.delta`"); i < 0 || j < 0 || i > j {
		t.Errorf("summary.md does not list the appeal (the wider swing) before delta:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "tornado.png")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(stdout, "methods.wechat_pay.appeal (0)") {
		t.Errorf("stdout lacks the table:\n%s", stdout)
	}
}

// effectsAtRows reads an effects_at.csv into rows keyed by column name.
func effectsAtRows(t *testing.T, path string) []map[string]string { return tornadoRows(t, path) }

// TestTornadoBadInput checks that mistakes are refused before anything
// runs, naming the flag, and that nothing is written.
func TestTornadoBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "give at least one --vary"},
		{[]string{"--vary", "behaviour.gama=0:1"}, exitUsage, `unknown parameter "behaviour.gama"`},
		{[]string{"--vary", "behaviour.gamma=1:0"}, exitUsage, "behaviour.gamma=1:0"},
		{[]string{"--vary", "behaviour.beta=0:2"}, exitUsage, "behaviour.beta=0:2"},
		{[]string{"--vary", "behaviour.gamma"}, exitUsage, "want PARAM=LO:HI"},
		{[]string{"--vary", "behaviour.gamma=0:1", "--vary", "behaviour.gamma=0:2"}, exitUsage, "varied twice"},
		{[]string{"--vary", "behaviour.gamma=0:1", "--figure-at", "6m"}, exitUsage, "--figure-at 6m is not one of --at"},
	} {
		dir := filepath.Join(t.TempDir(), "tor")
		code, _, stderr := cli(t, append([]string{"tornado", tiny, "--out", dir, "-q", "--at", "1m", "--figure-at", "1m"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit %d saying %q", tc.args, code, stderr, tc.code, tc.want)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: the output directory was created", tc.args)
		}
	}
}
