package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRunSet checks that --set changes the run, is written into
// scenario.yaml, and that the resolved file reproduces the run byte for
// byte.
func TestRunSet(t *testing.T) {
	plain := runTiny(t)
	set := runTiny(t, "--set", "behaviour.gamma=2.5", "--set", "methods.wechat_pay.appeal=0.8", "--set", "agents=400")
	resolved := readFile(t, filepath.Join(set, "scenario.yaml"))
	for _, want := range []string{"gamma: 2.5", "appeal: 0.8", "agents: 400"} {
		if !strings.Contains(string(resolved), want) {
			t.Errorf("scenario.yaml lacks %q", want)
		}
	}
	if string(readFile(t, filepath.Join(plain, "metrics.csv"))) == string(readFile(t, filepath.Join(set, "metrics.csv"))) {
		t.Error("--set changed nothing in metrics.csv")
	}
	dir := filepath.Join(t.TempDir(), "again")
	if code, out, errs := cli(t, "run", filepath.Join(set, "scenario.yaml"), "--out", dir, "--no-plots"); code != exitOK {
		t.Fatalf("rerun: exit %d\n%s%s", code, out, errs)
	}
	if string(readFile(t, filepath.Join(dir, "metrics.csv"))) != string(readFile(t, filepath.Join(set, "metrics.csv"))) {
		t.Error("running scenario.yaml of a --set run does not reproduce its metrics.csv")
	}
}

func TestSetUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", tiny, "--set", "behaviour.gamma"}, "want PARAM=VALUE"},
		{[]string{"run", tiny, "--set", "behaviour.beta=2"}, "--set behaviour.beta=2: behaviour.beta must be in [0,1], got 2"},
		{[]string{"compare", tiny, "--set", "platforms.tmall.appeal=1"}, `unknown platform "tmall" (valid: taobao, jd)`},
		{[]string{"validate", tiny, "--set", "end=2023-01-01"}, "--set end=2023-01-01"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			args := append(tc.args, "--out", filepath.Join(t.TempDir(), "x"))
			if tc.args[0] == "validate" {
				args = tc.args
			}
			code, _, stderr := cli(t, args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
