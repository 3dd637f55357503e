package output

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/interopsim/interopsim/sim"
)

// reportConfig is a hand-made world in the flagship's image: two regions,
// three methods, two platforms, 40 weekly steps from 2024-01-01 (to
// 2024-10-06), and Taobao/Tmall accepting WeChat Pay from Wednesday
// 2024-03-13, so that step 10 (2024-03-11) is the last before it. With
// open false it is the baseline world, without the event.
func reportConfig(open bool) *sim.Config {
	seg := func(agents int) []sim.Segment {
		return []sim.Segment{{Share: 1, Agents: agents, ShoppingRate: 100, Basket: 100, Holdings: []float64{0.9, 0.9, 0.5}}}
	}
	cfg := &sim.Config{
		Name:  "taobao-wechat-pay",
		Start: date("2024-01-01"),
		Step:  sim.Week,
		Steps: 40,
		Regions: []sim.Region{
			{Name: "tier1", Label: "Tier-1 cities", Population: 1e8, Segments: seg(20)},
			{Name: "rural", Label: "Rural", Population: 3e8, Segments: seg(40)},
		},
		Methods: []sim.Method{
			{Name: "alipay", Label: "Alipay"},
			{Name: "wechat_pay", Label: "WeChat Pay"},
			{Name: "card", Label: "Bank card/UnionPay"},
		},
		Platforms: []sim.Platform{
			{Name: "taobao_tmall", Label: "Taobao/Tmall", Accepts: []bool{true, false, true}},
			{Name: "jd", Label: "JD", Accepts: []bool{false, true, true}},
		},
	}
	if open {
		cfg.Events = []sim.Event{{Kind: sim.Accept, Date: date("2024-03-13"), Platform: 0, Method: 1, RolloutDays: 14}}
	} else {
		cfg.Name = "walled-gardens"
	}
	return cfg
}

// reportResult is run number run of cfg with hand-written tallies that
// vary smoothly with the step and a little with the run. From step 11 on,
// when open, WeChat Pay takes orders on Taobao/Tmall from Alipay and JD,
// more in the second region, and Taobao/Tmall loses fewer sales.
func reportResult(cfg *sim.Config, run int, open bool) *sim.Result {
	res := &sim.Result{Config: cfg, Engine: sim.AgentBased, Seed: 7, Run: run}
	for n := 0; n < cfg.Steps; n++ {
		var tally sim.Tally
		f := float64(n) / float64(cfg.Steps-1)
		for r, reg := range cfg.Regions {
			pop := reg.Population
			eps := 0.01 * float64((run*7+n*3+r*5)%5-2)
			orders := 2 * pop
			basket := 100.0 - 40*float64(r)
			g := 0.0
			if open && n > 10 {
				g = min(1, float64(n-10)/4) * (0.10 + 0.05*float64(r)) * (1 + 0.02*float64(n-10) + 2*eps)
			}
			fr := float64(r)
			tx := [][]float64{
				{(0.40 - 0.05*fr - 0.5*g + eps) * orders, 0.8 * g * orders, (0.03 + 0.01*fr) * orders},
				{0, (0.20 + 0.05*fr - 0.3*g) * orders, (0.02 + eps/2) * orders},
			}
			val := make([][]float64, len(tx))
			for p := range tx {
				val[p] = make([]float64, len(tx[p]))
				for m := range tx[p] {
					val[p][m] = tx[p][m] * basket
				}
			}
			tally.Regions = append(tally.Regions, sim.RegionTally{
				Population:   pop,
				Holders:      []float64{(0.85 - 0.1*fr + 0.05*f + eps) * pop, (0.90 + 0.03*f) * pop, (0.5 - 0.1*fr + eps) * pop},
				Only:         []float64{0.05 * pop, 0.08 * pop, 0},
				MultiHomers:  0.85 * pop,
				Transactions: tx,
				Value:        val,
				Lost:         []float64{0.01 * (1 - 3*g) * orders, 0.005 * orders},
				LostNoMethod: []float64{0.001 * orders, 0.001 * orders},
				Signups:      [][]float64{{0, 0, 0}, {0, 0, 0}},
			})
		}
		res.Steps = append(res.Steps, tally)
	}
	return res
}

// reportRuns returns runs replicates of the scenario (open) or the
// baseline, as one Table and as Runs.
func reportRuns(t *testing.T, runs int, open bool) (*Table, *Runs) {
	t.Helper()
	cfg := reportConfig(open)
	all, rs := &Table{}, &Runs{}
	for run := range runs {
		tab := FromResult(reportResult(cfg, run, open))
		all.Rows = append(all.Rows, tab.Rows...)
		if err := rs.Add(tab); err != nil {
			t.Fatal(err)
		}
	}
	return all, rs
}

func reportStats(t *testing.T, runs int, open bool) *StatTable {
	t.Helper()
	tab, _ := reportRuns(t, runs, open)
	st, err := Summarize(tab)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// reportComparison returns the statistics of runs replicates of the
// scenario and the baseline, and of their paired differences.
func reportComparison(t *testing.T, runs int) (scen, base, diff *StatTable) {
	t.Helper()
	_, a := reportRuns(t, runs, true)
	_, b := reportRuns(t, runs, false)
	d, err := a.Difference(b)
	if err != nil {
		t.Fatal(err)
	}
	return reportStats(t, runs, true), reportStats(t, runs, false), d.StatTable(nil)
}

func reportInput(t *testing.T, runs int, compare bool) ReportInput {
	t.Helper()
	cfg := reportConfig(true)
	in := ReportInput{
		Config:      cfg,
		Scenario:    cfg.Name,
		Description: "Taobao/Tmall start accepting WeChat Pay (wechat_pay) on 2024-03-13,\nrolled out over 14 days.",
		Figures:     []string{"plots/headline.png", "plots/payment_share.png"},
	}
	summarise := func(st *StatTable) *Summary {
		s, err := NewSummary(st, cfg, RunInfo{Seed: 7, Engine: sim.AgentBased})
		if err != nil {
			t.Fatal(err)
		}
		s.Provenance.Version = "test"
		return s
	}
	if !compare {
		in.Summary = summarise(reportStats(t, runs, true))
		return in
	}
	scen, base, diff := reportComparison(t, runs)
	p := plan(t, cfg, "3m,6m")
	rows, err := EffectsAt(scen, base, diff, cfg, p)
	if err != nil || len(p.Notes) > 0 {
		t.Fatalf("effects: %v, notes %q", err, p.Notes)
	}
	in.Summary, in.Baseline, in.BaselineName, in.Effects = summarise(scen), base, "walled-gardens", rows
	return in
}

func TestReportGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		runs    int
		compare bool
	}{
		{"single", 1, false},
		{"ensemble", 5, false},
		{"compare", 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := reportInput(t, tc.runs, tc.compare)
			var md, txt bytes.Buffer
			if err := WriteMarkdown(&md, in); err != nil {
				t.Fatal(err)
			}
			if err := WriteText(&txt, in); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "report_"+tc.name+"_golden.md", md.Bytes())
			checkGolden(t, "report_"+tc.name+"_golden.txt", txt.Bytes())

			for i, line := range strings.Split(txt.String(), "\n") {
				if n := utf8.RuneCountInString(line); n > TextWidth {
					t.Errorf("text line %d has %d characters, want at most %d: %q", i+1, n, TextWidth, line)
				}
				if strings.TrimRight(line, " ") != line {
					t.Errorf("text line %d ends with spaces: %q", i+1, line)
				}
				for _, c := range line {
					if c > utf8.RuneSelf {
						t.Errorf("text line %d holds %q, want plain ASCII", i+1, c)
						break
					}
				}
			}
			// Every line of a markdown table has its header's cells.
			var cells int
			for _, line := range strings.Split(md.String(), "\n") {
				if !strings.HasPrefix(line, "|") {
					cells = 0 // between tables
					continue
				}
				n := strings.Count(line, "|") - strings.Count(line, `\|`)
				if cells == 0 {
					cells = n
				} else if n != cells {
					t.Errorf("markdown line %q has %d cell separators, want %d", line, n, cells)
				}
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	good := reportInput(t, 1, false)
	drop := func(metric string) *Summary {
		s := *good.Summary
		s.Moments = slices.Clone(s.Moments)
		for i := range s.Moments {
			m := &s.Moments[i]
			m.Figures = slices.DeleteFunc(slices.Clone(m.Figures), func(f Figure) bool { return f.Metric == metric })
		}
		return &s
	}
	for _, tc := range []struct {
		name string
		edit func(in *ReportInput)
		want string
	}{
		{"no config", func(in *ReportInput) { in.Config = nil }, "report: no scenario configuration"},
		{"no summary", func(in *ReportInput) { in.Summary = nil }, "report: no summary with the moments before and final"},
		{"effects without baseline", func(in *ReportInput) { in.Effects = []EffectRow{{}} }, "report: effects without a baseline"},
		{"missing figure", func(in *ReportInput) { in.Summary = drop("gmv_share") },
			"report: the summary's before moment has no gmv_share of taobao_tmall in region all"},
		{"missing effect", func(in *ReportInput) {
			in.Baseline = reportStats(t, 1, false)
			in.Effects = []EffectRow{{Horizon: "3m", Key: Key{AllRegions, "adoption", "alipay"}}}
		}, "report: the effects table has no payment_share of taobao_tmall/wechat_pay in region all at horizon 3m after taobao_tmall accepts wechat_pay from 2024-03-13"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			for _, write := range []func(*bytes.Buffer, ReportInput) error{
				func(b *bytes.Buffer, in ReportInput) error { return WriteMarkdown(b, in) },
				func(b *bytes.Buffer, in ReportInput) error { return WriteText(b, in) },
			} {
				var b bytes.Buffer
				if err := write(&b, in); err == nil || err.Error() != tc.want {
					t.Errorf("got %v, want %q", err, tc.want)
				}
			}
		})
	}
}

func TestReportFormat(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		metric        string
		mean, lo, hi  float64
		interval, eff bool
		want          string
	}{
		{"gmv_share", 0.41234, 0, 0, false, false, "41.2%"},
		{"gmv_share", 0.41234, 0.408, 0.4161, true, false, "41.2% [40.8, 41.6]"},
		{"gmv_share", nan, 0, 0, true, false, "n/a"},
		{"payment_share", 0.081, 0.076, 0.086, true, true, "+8.1 pp [+7.6, +8.6]"},
		{"payment_share", -0.0004, -0.0001, 0.02, true, true, "0.0 pp [0.0, +2.0]"},
		{"payment_share", -0.012, 0, 0, false, true, "-1.2 pp"},
		{"lost_sales", 3.1e6, 0, 0, false, false, "3.1 M"},
		{"lost_sales", 2.3333, 2.1, 2.5, true, false, "2.3 [2.1, 2.5]"},
		{"lost_sales", 500, -200, 1200, true, true, "+0.5 k [-0.2, +1.2]"},
		{"gmv", 1.5e12, 0, 0, false, false, "1.5 tn"},
		{"gmv", 7.2e9, 0, 0, false, false, "7.2 bn"},
		{"transactions", -1.25e6, -1.3e6, -1.2e6, true, true, "-1.2 M [-1.3, -1.2]"},
	} {
		var got string
		if tc.eff {
			got = fmtEffect(tc.metric, tc.mean, tc.lo, tc.hi, tc.interval)
		} else {
			got = fmtLevel(tc.metric, tc.mean, tc.lo, tc.hi, tc.interval)
		}
		if got != tc.want {
			t.Errorf("%s %v [%v, %v] (effect %v): got %q, want %q", tc.metric, tc.mean, tc.lo, tc.hi, tc.eff, got, tc.want)
		}
	}
}

func TestReportMoments(t *testing.T) {
	accept := func(d string) []sim.Event {
		return []sim.Event{{Kind: sim.Accept, Date: date(d), Platform: 0, Method: 1}}
	}
	for _, tc := range []struct {
		name     string
		events   []sim.Event
		what     string
		sentence string
	}{
		{"no event", nil, "start",
			`"start" is the week of 2024-01-01, the first step: the scenario has no acceptance event; "end" is the week of 2024-09-30, the last step.`},
		{"from the start", accept("2024-01-01"), "start",
			`"start" is the week of 2024-01-01, the first step: Taobao/Tmall accepts WeChat Pay from 2024-01-01, from the start; "end" is the week of 2024-09-30, the last step.`},
		{"inside", accept("2024-03-13"), "before",
			`"before" is the week of 2024-03-11, the last step before Taobao/Tmall accepts WeChat Pay from 2024-03-13; "end" is the week of 2024-09-30, the last step.`},
		{"after the horizon", accept("2025-01-01"), "before",
			`"before" is the week of 2024-09-30, the last step: Taobao/Tmall accepts WeChat Pay from 2025-01-01, after the horizon.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := reportConfig(false)
			cfg.Events = tc.events
			step, _ := beforeStep(cfg)
			what, sentence := momentsSentence(cfg, step)
			if what != tc.what || sentence != tc.sentence {
				t.Errorf("got %q, %q\nwant %q, %q", what, sentence, tc.what, tc.sentence)
			}
		})
	}
}

// TestReportFromSummary checks that the table of summary.md and of the
// terminal shows the figures of the summary it is given, as summary.json
// holds them: a figure changed in the summary changes in the table.
func TestReportFromSummary(t *testing.T) {
	in := reportInput(t, 5, false)
	k := Key{AllRegions, "lost_sales", "taobao_tmall"}
	f := in.Summary.Moments[1].Figure(k)
	if f == nil {
		t.Fatalf("the final moment lacks %s", k)
	}
	f.Mean, f.P05, f.P95 = 1234e6, 1100e6, 1300e6
	var txt bytes.Buffer
	if err := WriteText(&txt, in); err != nil {
		t.Fatal(err)
	}
	want := "1.2 bn [1.1, 1.3]"
	for _, line := range strings.Split(txt.String(), "\n") {
		if strings.Contains(line, "lost sales per week") {
			if !strings.HasSuffix(line, want) {
				t.Errorf("got %q, want the summary's figure %s at the end", line, want)
			}
			return
		}
	}
	t.Errorf("no lost sales line in\n%s", txt.String())
}
