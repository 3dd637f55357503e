package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/scenarios"
)

// cli runs interopsim in-process with args and returns its exit code,
// standard output and standard error.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return cliContext(t, context.Background(), args...)
}

// noProgress shows no progress in the jobs of the rest of test t however
// long they take, so that t can ask for an empty standard error on a
// loaded machine.
func noProgress(t *testing.T) {
	saved := progressDelay
	progressDelay = time.Hour
	t.Cleanup(func() { progressDelay = saved })
}

func cliContext(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runMain(ctx, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// squash replaces every run of spaces in s by one space, so that tests
// do not depend on column widths.
func squash(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // in standard output
	}{
		{[]string{"--help"}, []string{"Usage: interopsim COMMAND", "Commands:", "run ", "plot ", "validate ", "scenarios ", "init ", "Exit status", "Example:"}},
		{[]string{"-h"}, []string{"Usage: interopsim COMMAND"}},
		{[]string{"help"}, []string{"Usage: interopsim COMMAND"}},
		{[]string{"help", "run"}, []string{"Usage: interopsim run [SCENARIO] [flags]", "--out DIR", "--engine ENGINE", "Example:\n  interopsim run"}},
		{[]string{"run", "--help"}, []string{"Usage: interopsim run [SCENARIO] [flags]", "--seed N", "--agents N", "--workers N", "--quiet", "--force"}},
		{[]string{"run", "testdata/tiny.yaml", "-h"}, []string{"Usage: interopsim run"}},
		{[]string{"validate", "--help"}, []string{"Usage: interopsim validate SCENARIO... [flags]", "Example:\n  interopsim validate"}},
		{[]string{"help", "scenarios"}, []string{"Usage: interopsim scenarios", "Example:\n  interopsim scenarios"}},
		{[]string{"init", "--help"}, []string{"Usage: interopsim init NAME [flags]", "--from NAME", "(default " + scenarios.Default + ")", "Example:\n  interopsim init"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout, "[=true|false]") {
				t.Errorf("help shows pflag's [=true|false]:\n%s", stdout)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := cli(t, "--version")
	if code != exitOK || !strings.HasPrefix(stdout, "interopsim ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("got exit %d, %q; want 0 and interopsim VERSION (goX ...)", code, stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in standard error
	}{
		{nil, "interopsim: no command given"},
		{[]string{"frob"}, `interopsim: unknown command "frob" (valid: run, compare, sweep, sensitivity, merge, calibrate, tornado, plot, validate, scenarios, init, help)`},
		{[]string{"--bogus"}, "unknown flag --bogus before the command"},
		{[]string{"help", "frob"}, `unknown command "frob"`},
		{[]string{"help", "run", "validate"}, "help takes at most one command, got 2"},
		{[]string{"run", "--bogus"}, "interopsim run: unknown flag: --bogus\nRun 'interopsim run --help' for usage."},
		{[]string{"run", "--engine", "fast"}, `unknown engine "fast" (valid: agents, meanfield, counts)`},
		{[]string{"run", "--engine"}, "flag needs an argument: --engine"},
		{[]string{"run", "a.yaml", "b.yaml"}, "want at most one scenario, got 2"},
		{[]string{"run", "--agents", "0"}, `invalid argument "0" for "--agents" flag: must be positive, got 0; write a number such as 100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion)`},
		{[]string{"run", "--agents", "-2k"}, "must be positive, got -2k; write a number such as 100000,"},
		{[]string{"run", "--agents", "lots"}, `must be a whole number such as 100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion), got "lots"`},
		{[]string{"run", "--agents", "1.5k5"}, `must be a whole number such as 100000,`},
		{[]string{"run", "--agents", "1.0005k"}, `must be a whole number, got 1.0005k, which is 1000.5`},
		{[]string{"run", "--agents", "3b"}, `must be at most 2147483647, got 3b`},
		{[]string{"run", "--workers", "-1"}, "want a whole number from 0"},
		{[]string{"run", "--seed", "-3"}, "want a whole number from 0 to"},
		{[]string{"run", "--quiet=maybe"}, "want true or false"},
		{[]string{"run", "testdata/tiny.yaml", "--agents", "2"}, "--agents 2: agents must be at least the number of segments (3)"},
		{[]string{"run", "testdata/tiny.yaml", "--keep-runs"}, "interopsim run: --keep-runs writes every replicate of an ensemble, and there is only one: add --runs N with N of 2 or more, or leave --keep-runs out\n"},
		{[]string{"run", "--keep-runs", "--runs", "1"}, "interopsim run: --keep-runs writes every replicate"},
		{[]string{"compare", "testdata/tiny.yaml", "--keep-runs", "--runs", "1"}, "interopsim compare: --keep-runs writes every replicate of an ensemble, and there is only one: add --runs N"},
		{[]string{"compare", "testdata/tiny.yaml", "--keep-runs", "--engine", "meanfield"}, "interopsim compare: --keep-runs writes every replicate of an ensemble, and there is only one: use --engine agents with --runs N, or leave --keep-runs out"},
		{[]string{"validate"}, "interopsim validate: want at least one scenario"},
		{[]string{"scenarios", "extra"}, "takes no arguments"},
		{[]string{"init"}, "want one NAME, got 0 arguments"},
		{[]string{"init", "a", "b"}, "want one NAME, got 2 arguments"},
		{[]string{"init", "My World"}, `bad scenario name "My World"`},
		{[]string{"init", "dir/Bad.yaml"}, `bad scenario name "Bad"`},
		{[]string{"init", "x", "--from", "nowhere"}, `no built-in scenario "nowhere" (valid: ` + scenarios.Default},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != exitUsage {
				t.Errorf("got exit %d, want %d (stderr %q)", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if tc.args != nil && stdout != "" {
				t.Errorf("got stdout %q, want nothing", stdout)
			}
		})
	}
}

func TestScenarios(t *testing.T) {
	code, stdout, stderr := cli(t, "scenarios")
	if code != exitOK {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	builtins := scenarios.Builtins()
	if len(lines) != len(builtins) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(builtins), stdout)
	}
	for i, b := range builtins {
		if !strings.HasPrefix(lines[i], b.Name+" ") || !strings.Contains(lines[i], b.Description) {
			t.Errorf("line %d: got %q, want %s and its description", i+1, lines[i], b.Name)
		}
		if (b.Name == scenarios.Default) != strings.HasSuffix(lines[i], "(default)") {
			t.Errorf("line %d: %q: only the default is marked (default)", i+1, lines[i])
		}
	}
}
