package output

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

func TestEffectsParseHorizons(t *testing.T) {
	from := date("2024-01-31")
	for _, tc := range []struct {
		in     string
		labels []string
		dates  []string // each horizon after 2024-01-31
	}{
		{DefaultHorizons, []string{"3m", "6m", "12m", "24m"}, []string{"2024-04-30", "2024-07-31", "2025-01-31", "2026-01-31"}},
		{" 18m , 2Y ", []string{"18m", "2y"}, []string{"2025-07-31", "2026-01-31"}},
		{"1y,1m", []string{"1y", "1m"}, []string{"2025-01-31", "2024-02-29"}},
		{"06m", []string{"6m"}, []string{"2024-07-31"}},
		// Weeks and days, as in scenario files.
		{"2w,13w,52w", []string{"2w", "13w", "52w"}, []string{"2024-02-14", "2024-05-01", "2025-01-29"}},
		{"10d", []string{"10d"}, []string{"2024-02-10"}},
	} {
		got, err := ParseHorizons(tc.in)
		if err != nil || len(got) != len(tc.labels) {
			t.Errorf("ParseHorizons(%q): got %v, %v, want %v", tc.in, got, err, tc.labels)
			continue
		}
		for i, h := range got {
			if h.Label != tc.labels[i] || h.After(from).Format(DateLayout) != tc.dates[i] {
				t.Errorf("ParseHorizons(%q)[%d]: got %s, %s after %s, want %s, %s", tc.in, i, h.Label, h.After(from).Format(DateLayout),
					from.Format(DateLayout), tc.labels[i], tc.dates[i])
			}
		}
	}
	const forms = "want a positive whole number of days, weeks, months or years such as 14d, 13w, 6m or 2y"
	for _, tc := range []struct{ in, want string }{
		{"", "no horizon given: " + forms + ", separated by commas"},
		{"3", `bad horizon "3": ` + forms},
		{"52x", `bad horizon "52x": ` + forms},
		{"1.5y", `bad horizon "1.5y": ` + forms},
		{"-3m", `bad horizon "-3m": ` + forms},
		{"0m", `bad horizon "0m": must be after the event, ` + forms},
		{"9999999m", `bad horizon "9999999m": too long, at most 1000000 of a unit`},
		{"3m,,6m", "empty horizon: " + forms},
		{"12m,1y", "horizon 1y repeats 12m"},
		{"1w,7d", "horizon 7d repeats 1w"},
		{"3 m,x", `bad horizon "3 m": ` + forms + "\n" + `bad horizon "x": ` + forms},
	} {
		got, err := ParseHorizons(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseHorizons(%q): got %v, %v, want error %q", tc.in, got, err, tc.want)
		}
	}
}

func TestEffectsHeadlineKeys(t *testing.T) {
	keys := func(region string, kv ...string) []Key {
		var out []Key
		for i := 0; i < len(kv); i += 2 {
			out = append(out, Key{region, kv[i], kv[i+1]})
		}
		return out
	}
	perRegion := func(pair, platform string) []Key {
		var out []Key
		for _, r := range []string{"tier1", "rural,west"} {
			out = append(out, keys(r, "payment_share", pair, "gmv_share", platform,
				"tx_share", "alipay", "tx_share", "wechat+pay", "adoption", "alipay", "adoption", "wechat+pay")...)
		}
		return out
	}
	promotion := smallConfig().Events[0]
	for _, tc := range []struct {
		name   string
		events []sim.Event
		want   []Key
	}{
		{"accept event", smallConfig().Events, append(keys(AllRegions,
			"payment_share", "taobao/wechat+pay", "payment_share", "taobao/alipay", "gmv_share", "taobao",
			"tx_share", "alipay", "tx_share", "wechat+pay", "adoption", "alipay", "adoption", "wechat+pay",
			"lost_sales", "taobao"), perRegion("taobao/wechat+pay", "taobao")...)},
		// Without an acceptance event: the first platform, the first
		// method it accepts.
		{"no accept event", []sim.Event{promotion}, append(keys(AllRegions,
			"payment_share", "taobao/alipay", "gmv_share", "taobao",
			"tx_share", "alipay", "tx_share", "wechat+pay", "adoption", "alipay", "adoption", "wechat+pay",
			"lost_sales", "taobao"), perRegion("taobao/alipay", "taobao")...)},
		// The earliest acceptance event counts, and the methods its
		// platform accepted before follow its own.
		{"earliest accept", []sim.Event{
			promotion,
			{Kind: sim.Accept, Date: date("2024-01-15"), Platform: 0, Method: 1},
			{Kind: sim.Accept, Date: date("2024-01-08"), Platform: 1, Method: 0},
		}, append(keys(AllRegions,
			"payment_share", "jd/alipay", "payment_share", "jd/wechat+pay", "gmv_share", "jd",
			"tx_share", "alipay", "tx_share", "wechat+pay", "adoption", "alipay", "adoption", "wechat+pay",
			"lost_sales", "jd"), perRegion("jd/alipay", "jd")...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.Events = tc.events
			if got := HeadlineKeys(cfg); !slices.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
	// The flagship's shape: Taobao/Tmall took Alipay and cards before.
	cfg := reportConfig(true)
	got := HeadlineKeys(cfg)
	if want := keys(AllRegions, "payment_share", "taobao_tmall/wechat_pay", "payment_share", "taobao_tmall/alipay",
		"payment_share", "taobao_tmall/card"); !slices.Equal(got[:3], want) {
		t.Errorf("got %v first, want %v", got[:3], want)
	}
	if len(got) != 11+2*8 {
		t.Errorf("got %d keys, want %d", len(got), 11+2*8)
	}
}

func TestEffectsKeyLabel(t *testing.T) {
	cfg := reportConfig(true)
	small := smallConfig()
	for _, tc := range []struct {
		cfg  *sim.Config
		key  Key
		want string
	}{
		{cfg, Key{AllRegions, "payment_share", "taobao_tmall/wechat_pay"}, "WeChat Pay's share of Taobao/Tmall payments"},
		{cfg, Key{"tier1", "gmv_share", "taobao_tmall"}, "Taobao/Tmall GMV share"},
		{cfg, Key{AllRegions, "tx_share", "alipay"}, "Alipay's share of all payments"},
		{cfg, Key{"rural", "adoption", "alipay"}, "adoption of Alipay"},
		{cfg, Key{AllRegions, "value_share", "alipay"}, "Alipay's share of payment value"},
		{cfg, Key{AllRegions, "payment_value_share", "jd/wechat_pay"}, "WeChat Pay's share of JD payment value"},
		{cfg, Key{AllRegions, "platform_tx_share", "jd"}, "JD's share of all transactions"},
		{cfg, Key{AllRegions, "lost_sales", "taobao_tmall"}, "Taobao/Tmall lost sales per week"},
		{cfg, Key{AllRegions, "signups", "jd/card"}, "signups of Bank card/UnionPay on JD"},
		{cfg, Key{AllRegions, "multihoming", "2+"}, "multihoming of 2+"},
		// Without labels, names.
		{small, Key{AllRegions, "adoption", "wechat+pay"}, "adoption of wechat+pay"},
	} {
		if got := tc.key.Label(tc.cfg); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.key, got, tc.want)
		}
	}
}

// nearRel reports whether a and b agree to 1e-9 of their size.
func nearRel(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

// plan returns the plan of effects at horizons (ParseHorizons) after
// every event of EffectEvents(cfg).
func plan(t *testing.T, cfg *sim.Config, horizons string) *EffectPlan {
	t.Helper()
	hs, err := ParseHorizons(horizons)
	if err != nil {
		t.Fatal(err)
	}
	p, err := PlanEffects(cfg, nil, hs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEffectsAt(t *testing.T) {
	scen, base, diff := reportComparison(t, 3)
	cfg := reportConfig(true)
	p := plan(t, cfg, "3m,6m,12m")
	// 2024-03-13 + 3 months is Thursday 2024-06-13, in the week of
	// 2024-06-10 (step 23); + 6 months is 2024-09-13, in the week of
	// 2024-09-09 (step 36); + 12 months is after the last step, which
	// ends 2024-10-06; + 7 months (2024-10-13) would be too.
	wantNotes := []string{"horizon 12m after taobao_tmall accepts wechat_pay from 2024-03-13 (2025-03-13) falls after the last step, " +
		"which ends 2024-10-06: skipped (the longest horizon that fits is 6m)"}
	if !slices.Equal(p.Notes, wantNotes) {
		t.Errorf("notes: got %q, want %q", p.Notes, wantNotes)
	}
	rows, err := EffectsAt(scen, base, diff, cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	keys := HeadlineKeys(cfg)
	if len(rows) != 2*len(keys) {
		t.Fatalf("got %d rows, want %d", len(rows), 2*len(keys))
	}
	for i, r := range rows {
		h, step, day := "3m", 23, "2024-06-10"
		if i >= len(keys) {
			h, step, day = "6m", 36, "2024-09-09"
		}
		if r.Horizon != h || r.Step != step || r.Date.Format(DateLayout) != day || r.Key != keys[i%len(keys)] {
			t.Fatalf("row %d: got %s step %d %s %v, want %s step %d %s %v", i, r.Horizon, r.Step, r.Date.Format(DateLayout), r.Key,
				h, step, day, keys[i%len(keys)])
		}
		if r.Event != 0 || r.EventName != "taobao_tmall accepts wechat_pay from 2024-03-13" {
			t.Fatalf("row %d: got event %d %q, want 0, taobao_tmall accepts wechat_pay from 2024-03-13", i, r.Event, r.EventName)
		}
		if r.Runs != 3 || !nearRel(r.Effect, r.Scenario-r.Baseline) || r.Lo > r.Effect || r.Effect > r.Hi {
			t.Errorf("row %d %v: got runs %d, effect %v [%v, %v] of %v - %v", i, r.Key, r.Runs, r.Effect, r.Lo, r.Hi, r.Scenario, r.Baseline)
		}
	}
	// WeChat Pay's share of Taobao/Tmall payments at 3m, nationally: 0
	// in the baseline; in the scenario 0.8g/(0.43+0.3g) in the first
	// region (g about 0.13: 0.22) and 0.8g/(0.39+0.3g) in the second
	// (g about 0.19: 0.34), which has three times the orders.
	if r := rows[0]; r.Baseline != 0 || r.Effect < 0.25 || r.Effect > 0.35 || r.Lo == r.Hi {
		t.Errorf("headline effect at 3m: got %+v", r)
	}
}

// TestEffectsAtEveryEvent checks that every acceptance event gets its
// headline rows, at horizons counted from its own date.
func TestEffectsAtEveryEvent(t *testing.T) {
	scen, base, diff := reportComparison(t, 2)
	cfg := reportConfig(true)
	// JD accepts Alipay from Tuesday 2024-07-30, listed first: events
	// are taken in date order.
	cfg.Events = append([]sim.Event{{Kind: sim.Accept, Date: date("2024-07-30"), Platform: 1, Method: 0, RolloutDays: 7}}, cfg.Events...)
	if got := EffectEvents(cfg); !slices.Equal(got, []int{1, 0}) {
		t.Fatalf("EffectEvents: got %v, want [1 0]", got)
	}
	p := plan(t, cfg, "1m,3m")
	// Taobao/Tmall: 2024-04-13 (step 14, week of 2024-04-08) and
	// 2024-06-13 (step 23). JD: 2024-08-30 (step 34, week of 2024-08-26);
	// 2024-10-30 is after the last step.
	type point struct {
		event       int
		horizon     string
		step        int
		target, day string
	}
	var got []point
	for _, pt := range p.Points {
		got = append(got, point{pt.Event, pt.Horizon, pt.Step, pt.Target.Format(DateLayout), cfg.Date(pt.Step).Format(DateLayout)})
	}
	want := []point{
		{1, "1m", 14, "2024-04-13", "2024-04-08"},
		{1, "3m", 23, "2024-06-13", "2024-06-10"},
		{0, "1m", 34, "2024-08-30", "2024-08-26"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("points:\ngot  %v\nwant %v", got, want)
	}
	wantNotes := []string{"horizon 3m after jd accepts alipay from 2024-07-30 (2024-10-30) falls after the last step, " +
		"which ends 2024-10-06: skipped (the longest horizon that fits is 2m)"}
	if !slices.Equal(p.Notes, wantNotes) {
		t.Errorf("notes: got %q, want %q", p.Notes, wantNotes)
	}
	rows, err := EffectsAt(scen, base, diff, cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	taobao, jd := EventKeys(cfg, 1), EventKeys(cfg, 0)
	if len(rows) != 2*len(taobao)+len(jd) {
		t.Fatalf("got %d rows, want %d", len(rows), 2*len(taobao)+len(jd))
	}
	// JD's rows: Alipay's share of JD payments, then the methods JD took
	// before, JD's GMV share, each method's share of all payments.
	jdRows := rows[2*len(taobao):]
	for i, k := range []Key{
		{AllRegions, "payment_share", "jd/alipay"},
		{AllRegions, "payment_share", "jd/wechat_pay"},
		{AllRegions, "payment_share", "jd/card"},
		{AllRegions, "gmv_share", "jd"},
		{AllRegions, "tx_share", "alipay"},
	} {
		r := jdRows[i]
		if r.Key != k || r.Event != 0 || r.EventName != "jd accepts alipay from 2024-07-30" || r.Horizon != "1m" || r.Step != 34 {
			t.Errorf("JD row %d: got %v, event %d %q, %s step %d; want %v, event 0, 1m step 34", i, r.Key, r.Event, r.EventName, r.Horizon, r.Step, k)
		}
	}
	if got := EventLabel(cfg, 0); got != "JD accepts Alipay from 2024-07-30" {
		t.Errorf("EventLabel: got %q", got)
	}
}

func TestEffectsAtSteps(t *testing.T) {
	for _, tc := range []struct {
		name    string
		event   sim.Event
		horizon string
		step    int
	}{
		// 2024-03-01 + 1 month is Monday 2024-04-01, the first day of
		// step 13: that step.
		{"on a step's first day", sim.Event{Kind: sim.Accept, Date: date("2024-03-01"), Platform: 0, Method: 1}, "1m", 13},
		// 2024-03-01 + 13 weeks is Friday 2024-05-31, in step 21.
		{"weeks", sim.Event{Kind: sim.Accept, Date: date("2024-03-01"), Platform: 0, Method: 1}, "13w", 21},
		// 2024-01-31 + 1 month is 2024-02-29, the month's last day, in
		// the week of 2024-02-26 (step 8), not 2024-03-02.
		{"month end", sim.Event{Kind: sim.Accept, Date: date("2024-01-31"), Platform: 0, Method: 1}, "1m", 8},
		// A scenario without an acceptance event counts from its earliest
		// event: 2024-02-10 + 1 year is after the end, + 6 months is
		// Saturday 2024-08-10, in the week of 2024-08-05 (step 31).
		{"any event", sim.Event{Kind: sim.Promotion, Date: date("2024-02-10"), Platform: -1, Method: 1, Until: date("2024-03-01")}, "6m", 31},
		// An event before the start: 2023-12-15 + 1 month is in the week
		// of 2024-01-15.
		{"event before the start", sim.Event{Kind: sim.Accept, Date: date("2023-12-15"), Platform: 0, Method: 1}, "1m", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := reportConfig(true)
			cfg.Events = []sim.Event{tc.event}
			st := reportStats(t, 1, false)
			p := plan(t, cfg, tc.horizon)
			rows, err := EffectsAt(st, st, st, cfg, p)
			if err != nil || len(p.Notes) > 0 || len(rows) == 0 {
				t.Fatalf("got %d rows, notes %q, %v", len(rows), p.Notes, err)
			}
			if rows[0].Step != tc.step || !rows[0].Date.Equal(cfg.Date(tc.step)) {
				t.Errorf("got step %d (%s), want %d", rows[0].Step, rows[0].Date.Format(DateLayout), tc.step)
			}
		})
	}
}

func TestEffectsPlanErrors(t *testing.T) {
	cfg := reportConfig(true)
	for _, tc := range []struct {
		name     string
		cfg      *sim.Config
		events   []int
		horizons string
		want     string
	}{
		{"none fits", cfg, nil, "1y,2y",
			"effects: no horizon falls within the simulation: " +
				"horizon 1y after taobao_tmall accepts wechat_pay from 2024-03-13 (2025-03-13) falls after the last step, which ends 2024-10-06: skipped (the longest horizon that fits is 6m); " +
				"horizon 2y after taobao_tmall accepts wechat_pay from 2024-03-13 (2026-03-13) falls after the last step, which ends 2024-10-06: skipped (the longest horizon that fits is 6m)"},
		{"no event", reportConfig(false), nil, "3m", "effects: the scenario walled-gardens has no event to measure effects from"},
		{"event out of range", cfg, []int{1}, "3m", "effects: event 1 out of range: the scenario has 1 events"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := ParseHorizons(tc.horizons)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := PlanEffects(tc.cfg, tc.events, hs); err == nil || err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := PlanEffects(cfg, nil, nil); err == nil || err.Error() != "effects: no horizon given" {
		t.Errorf("no horizons: got %v", err)
	}
}

func TestEffectsAtErrors(t *testing.T) {
	st := reportStats(t, 1, true)
	cfg := reportConfig(true)
	short := &StatTable{Runs: 1}
	for _, r := range st.Rows {
		if r.Step != 23 || r.Region != "rural" {
			short.Rows = append(short.Rows, r)
		}
	}
	other := reportConfig(true)
	other.Start = date("2024-01-02")
	for _, tc := range []struct {
		name     string
		cfg      *sim.Config
		baseline *StatTable
		want     string
	}{
		{"missing figure", cfg, short, "effects: the baseline table has no payment_share of taobao_tmall/wechat_pay in region rural at step 23"},
		{"nil table", cfg, nil, "effects: the baseline table has no payment_share of taobao_tmall/wechat_pay in region all at step 23"},
		{"other scenario", other, st, "effects: the scenario table dates step 23 2024-06-10, the scenario 2024-06-11: the table is not of this scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := EffectsAt(st, tc.baseline, st, tc.cfg, plan(t, tc.cfg, "3m")); err == nil || err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := EffectsAt(st, st, st, cfg, nil); err == nil || err.Error() != "effects: no horizon given" {
		t.Errorf("no plan: got %v", err)
	}
}

func TestEffectsGoldenCSV(t *testing.T) {
	in := reportInput(t, 5, true)
	var b bytes.Buffer
	if err := WriteEffectsCSV(context.Background(), &b, in.Effects); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "effects_compare_golden.csv", b.Bytes())
}

func ExampleWriteEffectsCSV() {
	hs, err := ParseHorizons("6m,2y")
	if err != nil {
		panic(err)
	}
	fmt.Println(hs)
	row := EffectRow{
		EventName: "taobao_tmall accepts wechat_pay from 2024-03-11",
		Horizon:   hs[0].Label, Step: 88, Date: date("2024-09-09"),
		Key:      Key{Region: AllRegions, Metric: "payment_share", Entity: "taobao_tmall/wechat_pay"},
		Scenario: 0.081, Baseline: 0, Effect: 0.081, Lo: 0.076, Hi: 0.086, Runs: 20,
	}
	if err := WriteEffectsCSV(context.Background(), os.Stdout, []EffectRow{row}); err != nil {
		panic(err)
	}
	// Output:
	// [6m 2y]
	// event,horizon,step,date,region,metric,entity,runs,scenario,baseline,effect,p05,p95
	// taobao_tmall accepts wechat_pay from 2024-03-11,6m,88,2024-09-09,all,payment_share,taobao_tmall/wechat_pay,20,0.081,0,0.081,0.076,0.086
}
