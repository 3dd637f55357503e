package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/scenarios"
)

func TestValidate(t *testing.T) {
	code, stdout, stderr := cli(t, "validate", "testdata/tiny.yaml")
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	for _, want := range []string{
		"scenario tiny\n",
		"file testdata/tiny.yaml\n",
		"description A tiny world for the CLI's tests.\n",
		// The horizon is rounded up to whole steps.
		"horizon 2024-01-01 to 2024-03-04 (exclusive): 9 steps of a week\n",
		"seed 7\n",
		"agents 300\n",
		"currency CNY\n",
		"memory about ",
		"REGION SEGMENT PEOPLE AGENTS PEOPLE/AGENT PURCHASES/YEAR BASKET (CNY) HOLD alipay HOLD wechat_pay\n",
		" tier1 all 1,000,000 75 13,333 30 120 0.8 0.9\n",
		" rural (all) 3,000,000 225 13,333\n",
		" rural young 1,200,000 90 13,333 20 60 0.3 0.8\n",
		" wechat_pay WeChat Pay 0.02 0.4 0.02 0\n",
		" taobao Taobao 0.5 0.5 shared alipay\n",
		" 0.5 3 0.2 1 1 0.5\n",
		" 2024-02-01 5 accept taobao accepts wechat_pay, rolled out over 14 days Taobao opens to WeChat Pay\n",
		" 2024-02-10 6 set methods.wechat_pay.q = 0.5 ",
	} {
		if !strings.Contains(squash(stdout), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// Columns are aligned: the cells of a column start at the same place.
	if !strings.Contains(stdout, "\n  rural   young    1,200,000  90 ") {
		t.Errorf("columns not aligned:\n%s", stdout)
	}
	for i, line := range strings.Split(stdout, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %d has trailing spaces: %q", i+1, line)
		}
	}
}

func TestValidateBuiltins(t *testing.T) {
	var args []string
	for _, b := range scenarios.Builtins() {
		args = append(args, b.Name)
	}
	code, stdout, stderr := cli(t, append([]string{"validate"}, args...)...)
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if got := len(regexp.MustCompile(`\nfile +built-in\n`).FindAllString("\n"+stdout, -1)); got != len(args) {
		t.Errorf("got %d built-in reports, want %d", got, len(args))
	}
}

func TestValidateInvalid(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		wantStderr []string
		wantStdout string
	}{
		{
			name: "one invalid of two",
			args: []string{"testdata/invalid.yaml", "testdata/tiny.yaml"},
			wantStderr: []string{
				"testdata/invalid.yaml:8:",
				"regions[0]",
				"population",
				"testdata/invalid.yaml:13:",
				`unknown method "wechat_pay"`,
				"interopsim: 1 of 2 scenarios is invalid\n",
			},
			wantStdout: "scenario     tiny",
		},
		{
			name:       "missing file",
			args:       []string{"testdata/missing.yaml"},
			wantStderr: []string{`interopsim: scenario "testdata/missing.yaml" is neither a built-in`, "interopsim: scenario testdata/missing.yaml is invalid\n"},
		},
		{
			name:       "quiet",
			args:       []string{"--quiet", "testdata/tiny.yaml", "testdata/invalid.yaml", "testdata/missing.yaml"},
			wantStderr: []string{"interopsim: 2 of 3 scenarios are invalid\n"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, append([]string{"validate"}, tc.args...)...)
			if code != exitFailure {
				t.Errorf("got exit %d, want %d", code, exitFailure)
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tc.wantStdout == "" && stdout != "" || !strings.Contains(stdout, tc.wantStdout) {
				t.Errorf("got stdout %q, want %q", stdout, tc.wantStdout)
			}
		})
	}
}

// TestHorizonTypo checks that a horizon of centuries (end: 2999 for
// 2029) is refused by run, compare and validate with what it would cost,
// before anything is written, and that validate --force accepts it.
func TestHorizonTypo(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"run", tiny, "--set", "end=2999-01-01", "--out", filepath.Join(dir, "r"), "-q"}, exitFailure},
		{[]string{"compare", tiny, "--set", "end=2999-01-01", "--out", filepath.Join(dir, "c"), "-q"}, exitFailure},
		{[]string{"validate", tiny, "--set", "end=2999-01-01", "-q"}, exitFailure},
		{[]string{"validate", tiny, "--set", "end=2999-01-01", "-q", "--force"}, exitOK},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, tc.code, stderr)
		}
		if tc.code != exitOK && !strings.Contains(stderr, "is surely a mistake in start, end or step (it would take about ") {
			t.Errorf("%v: %q does not say why, with the cost", tc.args, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused jobs wrote %d entries", len(entries))
	}
	// The longest horizon of the tests, 76 years of days, is no typo.
	if code, _, stderr := cli(t, "validate", "-q", "testdata/long.yaml"); code != exitOK {
		t.Errorf("long.yaml refused: %s", stderr)
	}
}
