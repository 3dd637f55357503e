package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDidYouMean runs the real binary with the typos of issue 7 and
// checks that each error keeps its form and ends in the nearest name.
func TestDidYouMean(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runBinary(t, dir, "init", "my-world"); code != exitOK {
		t.Fatalf("init my-world: got exit %d: %s", code, stderr)
	}
	typos := `name: typos
start: 2024-01-01
end: 2024-12-30
methods:
  - name: alipay
    lable: Alipay
  - name: wechat_pay
platforms:
  - name: taobao_tmall
    accepts: [alipay]
regions:
  - name: north
    population: 1000000
    shopping_rate: 50
    basket: 100
events:
  - date: 2024-03-01
    type: accept
    platform: tmall
    method: wechat_pay
`
	if err := os.WriteFile(filepath.Join(dir, "typos.yaml"), []byte(typos), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string // the first line of standard error
	}{
		{[]string{"rn"}, exitUsage,
			`interopsim: unknown command "rn" (valid: run, compare, sweep, sensitivity, merge, calibrate, tornado, plot, validate, scenarios, init, help); did you mean run?`},
		{[]string{"help", "valdiate"}, exitUsage,
			`interopsim: unknown command "valdiate" (valid: run, compare, sweep, sensitivity, merge, calibrate, tornado, plot, validate, scenarios, init, help); did you mean validate?`},
		{[]string{"frob"}, exitUsage,
			`interopsim: unknown command "frob" (valid: run, compare, sweep, sensitivity, merge, calibrate, tornado, plot, validate, scenarios, init, help)`},
		{[]string{"--verison"}, exitUsage,
			`interopsim: unknown flag --verison before the command (valid: --help, --version); did you mean --version?`},
		{[]string{"run", "--agent", "100k"}, exitUsage,
			`interopsim run: unknown flag: --agent; did you mean --agents?`},
		{[]string{"run", "-agents", "100k"}, exitUsage,
			`interopsim run: unknown shorthand flag: 'a' in -agents; did you mean --agents?`},
		{[]string{"compare", "--keep-run"}, exitUsage,
			`interopsim compare: unknown flag: --keep-run; did you mean --keep-runs?`},
		{[]string{"init", "x", "--frm", "jd-alipay"}, exitUsage,
			`interopsim init: unknown flag: --frm; did you mean --from?`},
		{[]string{"run", "--bogus"}, exitUsage,
			`interopsim run: unknown flag: --bogus`},
		{[]string{"run", "--engine", "meanfeild"}, exitUsage,
			`interopsim run: invalid argument "meanfeild" for "--engine" flag: unknown engine "meanfeild" (valid: agents, meanfield, counts); did you mean meanfield?`},
		{[]string{"init", "x", "--from", "walled-garden"}, exitUsage,
			`interopsim init: invalid argument "walled-garden" for "--from" flag: no built-in scenario "walled-garden" (valid: taobao-wechat-pay, walled-gardens, full-interop, jd-alipay, alipay-vs-wechat-2013); did you mean walled-gardens?`},
		{[]string{"run", "taobao-wechatpay"}, exitFailure,
			`interopsim: scenario "taobao-wechatpay" is neither a built-in (taobao-wechat-pay, walled-gardens, full-interop, jd-alipay, alipay-vs-wechat-2013) nor a readable file: open taobao-wechatpay: no such file or directory; did you mean taobao-wechat-pay?`},
		{[]string{"run", "my-world"}, exitFailure,
			`interopsim: scenario "my-world" is neither a built-in (taobao-wechat-pay, walled-gardens, full-interop, jd-alipay, alipay-vs-wechat-2013) nor a readable file: open my-world: no such file or directory; did you mean my-world.yaml?`},
		{[]string{"validate", "my-wrld.yaml"}, exitFailure,
			`interopsim: scenario "my-wrld.yaml" is neither a built-in (taobao-wechat-pay, walled-gardens, full-interop, jd-alipay, alipay-vs-wechat-2013) nor a readable file: open my-wrld.yaml: no such file or directory; did you mean my-world.yaml?`},
		{[]string{"run", "nothing-like-it"}, exitFailure,
			`interopsim: scenario "nothing-like-it" is neither a built-in (taobao-wechat-pay, walled-gardens, full-interop, jd-alipay, alipay-vs-wechat-2013) nor a readable file: open nothing-like-it: no such file or directory`},
		{[]string{"run", "typos.yaml"}, exitFailure,
			`typos.yaml:6:5: methods[0].lable: unknown key; valid keys here: name, label, color, appeal, adoption, churn, launch; did you mean label?`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runBinary(t, dir, tc.args...)
			first, _, _ := strings.Cut(stderr, "\n")
			if code != tc.code || first != tc.want {
				t.Errorf("got exit %d, stderr\n%s\nwant exit %d, first line\n%s", code, stderr, tc.code, tc.want)
			}
			if stdout != "" {
				t.Errorf("got stdout %q, want nothing", stdout)
			}
		})
	}

	// Every mistake of a file is reported, each with its suggestion.
	_, _, stderr := runBinary(t, dir, "validate", "typos.yaml")
	want := `typos.yaml:19:15: events[0].platform: unknown platform "tmall"; valid platforms: taobao_tmall; did you mean taobao_tmall?`
	if !strings.Contains(stderr, want+"\n") {
		t.Errorf("validate typos.yaml: stderr\n%s\nlacks\n%s", stderr, want)
	}
}
