package main

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/interopsim/interopsim/output"
)

// runBuiltin runs a built-in scenario with the given agents through the
// CLI and returns its metrics table.
func runBuiltin(t *testing.T, name, agents string) *output.StatTable {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	code, stdout, stderr := cli(t, "run", name, "--agents", agents, "--out", dir, "--quiet", "--no-plots")
	if code != exitOK {
		t.Fatalf("run %s: exit %d\n%s%s", name, code, stdout, stderr)
	}
	path := filepath.Join(dir, output.MetricsFile)
	tab, err := output.ReadStats(bytes.NewReader(readFile(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// series returns the values of metric/entity in region, by step.
func series(tab *output.StatTable, region, metric, entity string) []float64 {
	var v []float64
	for _, r := range tab.Rows {
		if r.Region == region && r.Metric == metric && r.Entity == entity {
			v = append(v, r.Mean)
		}
	}
	return v
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// TestFlagshipCommonRandomNumbers checks that the flagship and
// walled-gardens, which differ only in Taobao/Tmall's acceptance of WeChat
// Pay on 2024-09-12, write identical metrics for every step that starts
// before that date, and different ones after it.
func TestFlagshipCommonRandomNumbers(t *testing.T) {
	a := runBuiltin(t, "taobao-wechat-pay", "40k")
	b := runBuiltin(t, "walled-gardens", "40k")
	if len(a.Rows) != len(b.Rows) {
		t.Fatalf("%d rows against %d", len(a.Rows), len(b.Rows))
	}
	event := time.Date(2024, 9, 12, 0, 0, 0, 0, time.UTC)
	differAfter := map[int]bool{}
	for i, ra := range a.Rows {
		rb := b.Rows[i]
		if ra.Step != rb.Step || ra.Region != rb.Region || ra.Metric != rb.Metric || ra.Entity != rb.Entity {
			t.Fatalf("row %d: %+v against %+v", i, ra, rb)
		}
		if ra.Date.Before(event) {
			if !same(ra.Mean, rb.Mean) {
				t.Fatalf("%s %s %s %s before the event: %v against %v", ra.Date.Format("2006-01-02"), ra.Region, ra.Metric, ra.Entity, ra.Mean, rb.Mean)
			}
		} else if !same(ra.Mean, rb.Mean) {
			differAfter[ra.Step] = true
		}
	}
	var steps, after int
	for _, r := range a.Rows {
		if r.Region == output.AllRegions && r.Metric == "adoption" && r.Entity == "alipay" && !r.Date.Before(event) {
			steps++
			if differAfter[r.Step] {
				after++
			}
		}
	}
	// The step starting on the event's date has acceptance 0 (the rollout
	// begins that day); every later one must differ.
	if after < steps-1 {
		t.Errorf("only %d of the %d steps from the event on differ", after, steps)
	}
}

// TestFlagshipEffects checks the direction of the flagship's effects:
// WeChat Pay's share of Taobao/Tmall payments is zero before acceptance and
// rises after it; Taobao/Tmall's lost sales fall.
func TestFlagshipEffects(t *testing.T) {
	tab := runBuiltin(t, "taobao-wechat-pay", "40k")
	share := series(tab, output.AllRegions, "payment_share", "taobao_tmall/wechat_pay")
	lost := series(tab, output.AllRegions, "lost_sales", "taobao_tmall")
	dates := map[int]time.Time{}
	for _, r := range tab.Rows {
		dates[r.Step] = r.Date
	}
	event := time.Date(2024, 9, 12, 0, 0, 0, 0, time.UTC)
	var before, after []int
	for n := range share {
		if dates[n].Before(event) {
			before = append(before, n)
		} else if dates[n].After(event.AddDate(0, 1, 0)) {
			after = append(after, n)
		}
	}
	for _, n := range before {
		if share[n] != 0 {
			t.Fatalf("step %d: WeChat Pay share of Taobao/Tmall payments %v before acceptance, want 0", n, share[n])
		}
	}
	last := share[len(share)-1]
	if last < 0.1 {
		t.Errorf("WeChat Pay share of Taobao/Tmall payments at the end: %.3f, want above 0.1", last)
	}
	lb, la := lost[before[len(before)-1]], lost[after[len(after)-1]]
	if !(la < lb/2) {
		t.Errorf("Taobao/Tmall lost sales %.4g per week before acceptance, %.4g at the end: want at least halved", lb, la)
	}
}

// TestFullInteropLosesNoSale checks that in full-interop no sale is lost
// for want of an accepted method, in any region at any step.
func TestFullInteropLosesNoSale(t *testing.T) {
	tab := runBuiltin(t, "full-interop", "20k")
	n := 0
	for _, r := range tab.Rows {
		if r.Metric == "lost_sales" {
			n++
			if r.Mean != 0 {
				t.Fatalf("%s %s: %s lost %v sales for want of an accepted method, want 0", r.Date.Format("2006-01-02"), r.Region, r.Entity, r.Mean)
			}
		}
	}
	if n == 0 {
		t.Fatal("no lost_sales rows")
	}
}
