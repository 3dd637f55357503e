package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// compareTiny runs compare on the tiny scenario with extra arguments and
// returns the output directory; it must succeed.
func compareTiny(t *testing.T, extra ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cmp")
	args := append([]string{"compare", tiny, "--out", dir, "--no-plots", "-q", "--at", "1m"}, extra...)
	code, stdout, stderr := cli(t, args...)
	if code != exitOK {
		t.Fatalf("compare %v: exit %d\n%s%s", extra, code, stdout, stderr)
	}
	return dir
}

func readStats(t *testing.T, path string) *output.StatTable {
	t.Helper()
	st, err := output.ReadStats(bytes.NewReader(readFile(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCompareWithItself checks that a scenario compared with itself has
// an effect of exactly zero, for every metric, region and step.
func TestCompareWithItself(t *testing.T) {
	dir := compareTiny(t, "--baseline", tiny, "--runs", "3")
	st := readStats(t, filepath.Join(dir, output.EffectsFile))
	if st.Runs != 3 || len(st.Rows) == 0 {
		t.Fatalf("effects of %d runs, %d rows", st.Runs, len(st.Rows))
	}
	for _, r := range st.Rows {
		for _, v := range []float64{r.Mean, r.P05, r.P50, r.P95} {
			if v != 0 && !math.IsNaN(v) {
				t.Fatalf("step %d %s %s %s: effect %+v, want exactly 0", r.Step, r.Region, r.Metric, r.Entity, r)
			}
		}
	}
}

// TestCompare checks the files of a comparison against the scenario
// without its acceptance event: effects are exactly zero before the
// event (common random numbers) and not after; effects_at.csv and
// summary.json hold the effect at the horizon.
func TestCompare(t *testing.T) {
	dir := compareTiny(t, "--runs", "4", "--keep-runs")
	for _, f := range []string{output.MetricsFile, output.BaselineFile, output.EffectsFile, output.EffectsAtFile,
		output.SummaryFile, output.ReportFile, output.ScenarioFile, output.BaselineScenarioFile, output.RunsFile, output.BaselineRunsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	st := readStats(t, filepath.Join(dir, output.EffectsFile))
	event := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	after := false
	for _, r := range st.Rows {
		if r.Date.Before(event) {
			if r.Mean != 0 && !math.IsNaN(r.Mean) {
				t.Fatalf("%s %s %s %s before the event: effect %v, want 0", r.Date.Format("2006-01-02"), r.Region, r.Metric, r.Entity, r.Mean)
			}
		} else if r.Metric == "payment_share" && r.Entity == "taobao/wechat_pay" && r.Mean > 0 {
			after = true
		}
	}
	if !after {
		t.Error("no positive effect on WeChat Pay's share of Taobao payments after the event")
	}
	var s output.Summary
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, output.SummaryFile)), &s); err != nil {
		t.Fatal(err)
	}
	c := s.Comparison
	if c == nil || c.Baseline != "tiny-no-acceptance" || !c.CommonRandomNumbers || len(c.Effects) == 0 || c.Effects[0].Horizon != "1m" {
		t.Fatalf("summary comparison %+v", c)
	}
	at := string(readFile(t, filepath.Join(dir, output.EffectsAtFile)))
	if !strings.HasPrefix(at, strings.Join(output.EffectColumns, ",")+"\ntaobao accepts wechat_pay from 2024-02-01,1m,") {
		t.Errorf("effects_at.csv starts %.80q", at)
	}
	// The baseline reproduces: baseline.yaml has no acceptance event.
	b, err := scenarios.Load(filepath.Join(dir, output.BaselineScenarioFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Config.Events {
		if e.Kind == sim.Accept || e.Kind == sim.StopAccepting {
			t.Errorf("baseline.yaml holds an acceptance event on %s", e.Date.Format("2006-01-02"))
		}
	}
}

// TestCompareIndependent checks that --independent draws the baseline
// from other streams: the scenarios then differ before the event too.
func TestCompareIndependent(t *testing.T) {
	dir := compareTiny(t, "--runs", "2", "--independent")
	st := readStats(t, filepath.Join(dir, output.EffectsFile))
	nonzero := false
	for _, r := range st.Rows {
		if r.Step == 0 && r.Metric == "adoption" && r.Mean != 0 {
			nonzero = true
		}
	}
	if !nonzero {
		t.Error("independent streams gave identical first steps")
	}
	if !strings.Contains(string(readFile(t, filepath.Join(dir, output.SummaryFile))), `"common_random_numbers": false`) {
		t.Error("summary.json does not say the random numbers were independent")
	}
}

// TestEnsembleWorkers checks that replicates are byte-identical for any
// number of workers, for run and compare.
func TestEnsembleWorkers(t *testing.T) {
	files := map[string][]string{
		"run":     {output.MetricsFile, output.RunsFile},
		"compare": {output.MetricsFile, output.BaselineFile, output.EffectsFile, output.EffectsAtFile},
	}
	for _, cmd := range []string{"run", "compare"} {
		var dirs []string
		for _, w := range []string{"1", "4"} {
			dir := filepath.Join(t.TempDir(), cmd+w)
			args := []string{cmd, tiny, "--out", dir, "--runs", "3", "--keep-runs", "--workers", w, "--no-plots", "-q", "--agents", "5000"}
			if cmd == "compare" {
				args = append(args, "--at", "1m")
			}
			if code, _, stderr := cli(t, args...); code != exitOK {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			dirs = append(dirs, dir)
		}
		for _, f := range files[cmd] {
			a, b := readFile(t, filepath.Join(dirs[0], f)), readFile(t, filepath.Join(dirs[1], f))
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s differs between --workers 1 and 4", cmd, f)
			}
		}
	}
}

func TestCompareErrors(t *testing.T) {
	other := filepath.Join(t.TempDir(), "other.yaml")
	src := strings.Replace(string(readFile(t, tiny)), "name: tiny", "name: other", 1)
	src = strings.Replace(strings.Replace(src, "- name: rural", "- name: inland", 1), "{rural: -0.2}", "{inland: -0.2}", 1)
	if err := os.WriteFile(other, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad horizon", []string{"--at", "3q"}, exitUsage, "--at"},
		{"unknown event", []string{"--event", "jd/alipay"}, exitUsage,
			`--event: unknown event "jd/alipay" of scenario tiny (valid: 1 or taobao/wechat_pay (taobao accepts wechat_pay from 2024-02-01))`},
		{"event and baseline", []string{"--event", "1", "--baseline", tiny}, exitUsage, "give --event or --baseline, not both"},
		{"meanfield runs", []string{"--engine", "meanfield", "--runs", "3"}, exitUsage, "deterministic"},
		{"other regions", []string{"--baseline", other}, exitFailure, "its regions are [tier1 inland], want [tier1 rural]"},
		{"two scenarios", []string{"walled-gardens"}, exitUsage, "at most one scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cmp")
			code, _, stderr := cli(t, append([]string{"compare", tiny, "--out", dir}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
			checkNothingWritten(t, dir)
		})
	}
}

// TestComparePlots checks that compare draws the comparison and effect
// figures, and that plot redraws them from the directory byte for byte.
func TestComparePlots(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cmp")
	if code, _, stderr := cli(t, "compare", tiny, "--out", dir, "--runs", "3", "--at", "1m", "-q", "--format", "svg"); code != exitOK {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	redrawn := filepath.Join(t.TempDir(), "plots")
	if code, _, stderr := cli(t, "plot", dir, "--out", redrawn, "--format", "svg", "-q"); code != exitOK {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	want := []string{"adoption", "effect-adoption", "effect-headline", "effect-lost-sales", "effect-platform-shares",
		"headline", "lost-sales", "multihoming", "payment-shares", "platform-shares"}
	for _, name := range want {
		a := readFile(t, filepath.Join(dir, output.PlotsDir, name+".svg"))
		if b := readFile(t, filepath.Join(redrawn, name+".svg")); !bytes.Equal(a, b) {
			t.Errorf("%s.svg: plot's differs from compare's", name)
		}
	}
	if md := string(readFile(t, filepath.Join(dir, output.ReportFile))); !strings.Contains(md, "](plots/effect-headline.svg)") {
		t.Error("summary.md does not embed the effect figures")
	}
}

// TestCompareInterrupted interrupts a comparison in its third replicate,
// in a directory holding an earlier comparison: it must stay as it was.
func TestCompareInterrupted(t *testing.T) {
	dir := compareTiny(t, "--runs", "2")
	before := snapshot(t, dir)
	ctx := &cancelAfter{Context: context.Background(), n: 25}
	code, _, stderr := cliContext(t, ctx, "compare", tiny, "--out", dir, "--runs", "2", "--at", "1m", "--no-plots")
	want := "interopsim: interrupted after 2 of 4 runs: nothing written; the output directory is as it was\n"
	if code != exitFailure || stderr != want {
		t.Fatalf("got exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("the interrupted comparison changed the directory")
	}
}

// TestCompareEveryEvent runs the real binary on jd-alipay: both
// acceptance events get their headline rows, with horizons counted from
// their own dates, in effects_at.csv, summary.json, summary.md and on
// standard output, where every horizon is shown with its date.
func TestCompareEveryEvent(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, "compare", "jd-alipay", "--engine", "meanfield", "--no-plots", "--at", "1m,6m", "--out", "cmp")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const taobao, jd = "taobao_tmall accepts wechat_pay from 2024-09-12", "jd accepts alipay from 2024-10-29"
	at := string(readFile(t, filepath.Join(dir, "cmp", output.EffectsAtFile)))
	// 2024-10-29 + 1 month is Friday 2024-11-29, in the week of
	// 2024-11-25 (step 99); + 6 months is 2025-04-29, in the week of
	// 2025-04-28 (step 121).
	for _, want := range []string{
		taobao + ",1m,92,2024-10-07,all,payment_share,taobao_tmall/wechat_pay,",
		jd + ",1m,99,2024-11-25,all,payment_share,jd/alipay,",
		jd + ",1m,99,2024-11-25,all,gmv_share,jd,",
		jd + ",1m,99,2024-11-25,all,tx_share,alipay,",
		jd + ",6m,121,2025-04-28,all,payment_share,jd/alipay,",
	} {
		if !strings.Contains(at, "\n"+want) {
			t.Errorf("effects_at.csv has no line starting %q", want)
		}
	}
	var s output.Summary
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "cmp", output.SummaryFile)), &s); err != nil {
		t.Fatal(err)
	}
	events := map[string]int{}
	for _, e := range s.Comparison.Effects {
		events[e.Event+" +"+e.Horizon+" "+e.Date]++
	}
	for _, k := range []string{taobao + " +1m 2024-10-07", taobao + " +6m 2025-03-10", jd + " +1m 2024-11-25", jd + " +6m 2025-04-28"} {
		if events[k] == 0 {
			t.Errorf("summary.json has no effect of %s; has %v", k, events)
		}
	}
	md := string(readFile(t, filepath.Join(dir, "cmp", output.ReportFile)))
	for _, text := range []string{stdout, md} {
		for _, want := range []string{"Effect of Taobao/Tmall accepts WeChat Pay from 2024-09-12", "Effect of JD accepts Alipay from 2024-10-29",
			"Alipay's share of JD payments", "JD GMV share", "--event"} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in:\n%s", want, text)
			}
		}
	}
	// Every horizon on standard output, each column dated.
	for _, want := range []string{"+1m", "+6m", "2024-10-07", "2025-03-10", "2024-11-25", "2025-04-28"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("standard output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestCompareEvent checks --event: the baseline is the scenario without
// only that event, and only its effects are reported.
func TestCompareEvent(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, "compare", "jd-alipay", "--engine", "meanfield", "--no-plots", "--at", "1m", "--event", "jd/alipay", "--out", "cmp")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := scenarios.Load(filepath.Join(dir, "cmp", output.BaselineScenarioFile))
	if err != nil {
		t.Fatal(err)
	}
	if b.Config.Name != "jd-alipay-without-jd-alipay" || len(b.Config.Events) != 1 || b.Config.Events[0].Platform != 0 {
		t.Errorf("baseline %s with events %+v, want jd-alipay-without-jd-alipay with Taobao's only", b.Config.Name, b.Config.Events)
	}
	at := string(readFile(t, filepath.Join(dir, "cmp", output.EffectsAtFile)))
	if strings.Contains(at, "taobao_tmall accepts") || !strings.Contains(at, "\njd accepts alipay from 2024-10-29,1m,") {
		t.Errorf("effects_at.csv should hold JD's event only:\n%.300s", at)
	}
	if !strings.Contains(stdout, "marginal effect") {
		t.Errorf("standard output does not say the effect is marginal:\n%s", stdout)
	}
	// By number, the same event; an unknown one lists the valid ones.
	code, _, stderr = runBinary(t, dir, "compare", "jd-alipay", "--event", "3", "--out", "cmp2")
	want := `unknown event "3" of scenario jd-alipay (valid: 1 or taobao_tmall/wechat_pay (taobao_tmall accepts wechat_pay from 2024-09-12), 2 or jd/alipay (jd accepts alipay from 2024-10-29))`
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("--event 3: got exit %d, %q; want 2 and %q", code, stderr, want)
	}
}

// TestCompareHorizonsUpFront checks that horizons are checked against the
// scenario before anything runs: none within the simulation is a usage
// error (exit 2) with nothing written; weeks are horizons; one past the
// end for an event is a note.
func TestCompareHorizonsUpFront(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	code, stdout, stderr := runBinary(t, dir, "compare", "jd-alipay", "--at", "5y", "--out", "cmp")
	if code != exitUsage || !strings.Contains(stderr, "horizon 5y after jd accepts alipay from 2024-10-29 (2029-10-29) falls after the last step") ||
		stdout != "" || strings.Contains(stderr, "run ") {
		t.Errorf("--at 5y: got exit %d, stdout %q, stderr %q; want 2 and the horizons", code, stdout, stderr)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("--at 5y took %v: the horizons were not checked before the runs", time.Since(start))
	}
	checkNothingWritten(t, filepath.Join(dir, "cmp"))

	code, stdout, stderr = runBinary(t, dir, "compare", "jd-alipay", "--engine", "meanfield", "--no-plots", "--at", "13w,38m", "--out", "cmp")
	if code != exitOK {
		t.Fatalf("--at 13w,38m: exit %d: %s", code, stderr)
	}
	// Taobao/Tmall + 38m is 2027-11-12, within; JD + 38m is 2027-12-29,
	// after the last step (ends 2027-12-26).
	for _, want := range []string{"+13w", "+38m", "Note: horizon 38m after jd accepts alipay from 2024-10-29 (2027-12-29) falls after the last step"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("standard output lacks %q:\n%s", want, stdout)
		}
	}
	md := string(readFile(t, filepath.Join(dir, "cmp", output.ReportFile)))
	if !strings.Contains(md, "Note: horizon 38m after jd accepts alipay") {
		t.Error("summary.md does not note the skipped horizon")
	}
}

// compare prints the baseline's file name with its control characters
// escaped, like every other text it prints.
func TestCompareEscapesBaselineFile(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base\x1b]0;title\a.yaml")
	if err := os.WriteFile(base, readFile(t, tiny), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "compare", tiny, "--baseline", base, "--engine", "meanfield", "--at", "1m", "--no-plots", "--out", filepath.Join(dir, "out"))
	if code != exitOK {
		t.Fatalf("got exit %d: %s", code, stderr)
	}
	if strings.ContainsAny(stdout, "\x1b\a") {
		t.Errorf("stdout holds raw control characters:\n%q", stdout)
	}
	if !strings.Contains(stdout, `base\x1b]0;title\a.yaml`) {
		t.Errorf("stdout does not name the baseline file escaped:\n%s", stdout)
	}
}
