package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/interopsim/interopsim/internal/calendar"
	"github.com/interopsim/interopsim/sim"
)

// DefaultHorizons are the horizons of a comparison's effects table when
// none are chosen, as ParseHorizons reads them.
const DefaultHorizons = "3m,6m,12m,24m"

// Horizon is a time after an event at which effects are reported: a
// duration as scenario files write them (14d, 13w, 6m, 2y), with
// calendar months and years (see HorizonForms).
type Horizon struct {
	// Label is the horizon as written, without leading zeros: "3m", "2y".
	Label string
	d     calendar.Duration
}

// After returns the date h after t. Months and years are calendar
// months and years; when the day does not exist in the month reached,
// the date is that month's last day (3m after 2024-11-30 is 2025-02-28).
func (h Horizon) After(t time.Time) time.Time { return h.d.After(t) }

// String returns the horizon's label.
func (h Horizon) String() string { return h.Label }

// HorizonForms says what ParseHorizons accepts, for errors and help.
const HorizonForms = "want a positive whole number of days, weeks, months or years such as 14d, 13w, 6m or 2y"

// ParseHorizons reads a comma-separated list of horizons, each a positive
// duration in days ("14d"), weeks ("13w"), calendar months ("18m") or
// years ("2y"), as scenario files write durations, such as
// DefaultHorizons. Spaces around items and the case of the unit are
// ignored and the order is kept. Every mistake found is reported, joined
// with errors.Join.
func ParseHorizons(s string) ([]Horizon, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no horizon given: %s, separated by commas", HorizonForms)
	}
	var hs []Horizon
	var errs []error
	seen := map[calendar.Duration]string{}
	for _, item := range strings.Split(s, ",") {
		item = strings.ToLower(strings.TrimSpace(item))
		h, err := parseHorizon(item)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		same := h.d // 1y is 12m and 1w 7d
		switch same.Unit {
		case calendar.Year:
			same = calendar.Duration{N: 12 * same.N, Unit: calendar.Month}
		case calendar.Week:
			same = calendar.Duration{N: 7 * same.N, Unit: calendar.Day}
		}
		if prev, ok := seen[same]; ok {
			errs = append(errs, fmt.Errorf("horizon %s repeats %s", h.Label, prev))
			continue
		}
		seen[same] = h.Label
		hs = append(hs, h)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return hs, nil
}

// parseHorizon reads one horizon such as "18m" or "13w", in lower case.
func parseHorizon(s string) (Horizon, error) {
	if s == "" {
		return Horizon{}, fmt.Errorf("empty horizon: %s", HorizonForms)
	}
	d, err := calendar.Parse(s)
	switch {
	case err != nil && len(s) > 1 && strings.Trim(s[:len(s)-1], "0123456789") == "" && strings.Contains("dwmy", s[len(s)-1:]):
		return Horizon{}, fmt.Errorf("bad horizon %q: too long, at most %d of a unit", s, calendar.MaxN)
	case err != nil:
		return Horizon{}, fmt.Errorf("bad horizon %q: %s", s, HorizonForms)
	case d.N == 0:
		return Horizon{}, fmt.Errorf("bad horizon %q: must be after the event, %s", s, HorizonForms)
	}
	return Horizon{Label: d.String(), d: d}, nil
}

// Key identifies a figure of a summary or an effects table: a metric of
// an entity in a region (AllRegions for the whole country), as in
// metrics.csv.
type Key struct {
	Region, Metric, Entity string
}

// HeadlineKeys returns the figures reported in summaries and effect
// tables, in a fixed order, chosen from cfg around the platform P and the
// method M of the first acceptance event (sim.Accept): when there is none,
// P is the first platform and M the first method it accepts.
//
// For all regions together: M's share of P's payments, then the share of
// each other method P accepts at the start; P's GMV share; each method's
// share of all payments; each method's adoption; P's lost sales. Then,
// region by region in scenario order: M's share of P's payments, P's GMV
// share, each method's share of all payments and each method's adoption.
func HeadlineKeys(cfg *sim.Config) []Key {
	p, m := focus(cfg)
	return keysAround(cfg, p, m)
}

// EventKeys returns the figures of the effects table for the event
// cfg.Events[i]: those of HeadlineKeys, chosen around the event's
// platform and method instead of the first acceptance event's. For an
// event without both (a promotion on every platform, a set event), they
// are HeadlineKeys(cfg).
func EventKeys(cfg *sim.Config, i int) []Key {
	if i >= 0 && i < len(cfg.Events) {
		e := cfg.Events[i]
		if e.Platform >= 0 && e.Platform < len(cfg.Platforms) && e.Method >= 0 && e.Method < len(cfg.Methods) {
			return keysAround(cfg, e.Platform, e.Method)
		}
	}
	return HeadlineKeys(cfg)
}

// keysAround returns HeadlineKeys around platform p and method m.
func keysAround(cfg *sim.Config, p, m int) []Key {
	var keys []Key
	add := func(region, metric, entity string) {
		keys = append(keys, Key{Region: region, Metric: metric, Entity: entity})
	}
	for i, region := range append([]string{AllRegions}, regionNames(cfg)...) {
		national := i == 0
		if p >= 0 && m >= 0 {
			pl := cfg.Platforms[p]
			add(region, "payment_share", pl.Name+"/"+cfg.Methods[m].Name)
			if national {
				for k, mt := range cfg.Methods {
					if k != m && k < len(pl.Accepts) && pl.Accepts[k] {
						add(region, "payment_share", pl.Name+"/"+mt.Name)
					}
				}
			}
		}
		if p >= 0 {
			add(region, "gmv_share", cfg.Platforms[p].Name)
		}
		for _, mt := range cfg.Methods {
			add(region, "tx_share", mt.Name)
		}
		for _, mt := range cfg.Methods {
			add(region, "adoption", mt.Name)
		}
		if national && p >= 0 {
			add(region, "lost_sales", cfg.Platforms[p].Name)
		}
	}
	return keys
}

// firstAccept returns the index in cfg.Events of the earliest acceptance
// event (the first listed among those on the same date), or -1.
func firstAccept(cfg *sim.Config) int {
	first := -1
	for i, e := range cfg.Events {
		if e.Kind == sim.Accept && (first < 0 || e.Date.Before(cfg.Events[first].Date)) {
			first = i
		}
	}
	return first
}

// focus returns the platform and method of HeadlineKeys: those of the
// first acceptance event, or the first platform and the first method it
// accepts (the first method when it accepts none). An index is -1 when
// cfg has no platform or no method.
func focus(cfg *sim.Config) (p, m int) {
	if i := firstAccept(cfg); i >= 0 {
		e := cfg.Events[i]
		if e.Platform >= 0 && e.Platform < len(cfg.Platforms) && e.Method >= 0 && e.Method < len(cfg.Methods) {
			return e.Platform, e.Method
		}
	}
	if len(cfg.Platforms) == 0 {
		return -1, min(0, len(cfg.Methods)-1)
	}
	if len(cfg.Methods) == 0 {
		return 0, -1
	}
	for k, ok := range cfg.Platforms[0].Accepts {
		if ok && k < len(cfg.Methods) {
			return 0, k
		}
	}
	return 0, 0
}

// Label returns the figure's name for people, built from the labels of
// cfg's methods and platforms: "WeChat Pay's share of Taobao/Tmall
// payments", "Taobao/Tmall GMV share", "Alipay's share of all payments",
// "Alipay's share of payment value", "WeChat Pay's share of JD payment
// value", "JD's share of all transactions", "adoption of Alipay",
// "Taobao/Tmall lost sales per week". It leaves the region out. Other
// metrics read "<metric> of <entity>".
func (k Key) Label(cfg *sim.Config) string {
	switch k.Metric {
	case "payment_share":
		if p, m, ok := pairIndex(cfg, k.Entity); ok {
			return methodLabel(cfg, m) + "'s share of " + platformLabel(cfg, p) + " payments"
		}
	case "gmv_share":
		if p := platformIndex(cfg, k.Entity); p >= 0 {
			return platformLabel(cfg, p) + " GMV share"
		}
	case "tx_share":
		if m := methodIndex(cfg, k.Entity); m >= 0 {
			return methodLabel(cfg, m) + "'s share of all payments"
		}
	case "value_share":
		if m := methodIndex(cfg, k.Entity); m >= 0 {
			return methodLabel(cfg, m) + "'s share of payment value"
		}
	case "payment_value_share":
		if p, m, ok := pairIndex(cfg, k.Entity); ok {
			return methodLabel(cfg, m) + "'s share of " + platformLabel(cfg, p) + " payment value"
		}
	case "platform_tx_share":
		if p := platformIndex(cfg, k.Entity); p >= 0 {
			return platformLabel(cfg, p) + "'s share of all transactions"
		}
	case "adoption":
		if m := methodIndex(cfg, k.Entity); m >= 0 {
			return "adoption of " + methodLabel(cfg, m)
		}
	case "lost_sales":
		if p := platformIndex(cfg, k.Entity); p >= 0 {
			return platformLabel(cfg, p) + " lost sales per " + cfg.Step.String()
		}
	}
	return k.Metric + " of " + entityLabel(cfg, k.Entity)
}

// String returns "metric of entity in region", for errors.
func (k Key) String() string {
	return fmt.Sprintf("%s of %s in region %s", k.Metric, k.Entity, k.Region)
}

func methodIndex(cfg *sim.Config, name string) int {
	for i, m := range cfg.Methods {
		if m.Name == name {
			return i
		}
	}
	return -1
}

func platformIndex(cfg *sim.Config, name string) int {
	for i, p := range cfg.Platforms {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// pairIndex finds the platform and method of a "platform/method" entity.
func pairIndex(cfg *sim.Config, entity string) (p, m int, ok bool) {
	for p, pl := range cfg.Platforms {
		for m, mt := range cfg.Methods {
			if pl.Name+"/"+mt.Name == entity {
				return p, m, true
			}
		}
	}
	return -1, -1, false
}

func methodLabel(cfg *sim.Config, m int) string {
	if l := cfg.Methods[m].Label; l != "" {
		return l
	}
	return cfg.Methods[m].Name
}

func platformLabel(cfg *sim.Config, p int) string {
	if l := cfg.Platforms[p].Label; l != "" {
		return l
	}
	return cfg.Platforms[p].Name
}

// entityLabel returns the label of a method, a platform or a pair, or the
// entity itself.
func entityLabel(cfg *sim.Config, entity string) string {
	if m := methodIndex(cfg, entity); m >= 0 {
		return methodLabel(cfg, m)
	}
	if p := platformIndex(cfg, entity); p >= 0 {
		return platformLabel(cfg, p)
	}
	if p, m, ok := pairIndex(cfg, entity); ok {
		return methodLabel(cfg, m) + " on " + platformLabel(cfg, p)
	}
	return entity
}

// regionLabel returns the label of the region named name, "All regions"
// for AllRegions, or name.
func regionLabel(cfg *sim.Config, name string) string {
	if name == AllRegions {
		return "All regions"
	}
	for _, r := range cfg.Regions {
		if r.Name == name && r.Label != "" {
			return r.Label
		}
	}
	return name
}

// EffectEvents returns the events a comparison's effects are measured
// from, as indices in cfg.Events in date order (file order on the same
// date): every acceptance event (sim.Accept and sim.StopAccepting), or,
// in a scenario without one, its earliest event; none in a scenario
// without events.
func EffectEvents(cfg *sim.Config) []int {
	var idx []int
	for i, e := range cfg.Events {
		if IsAcceptance(e) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 && len(cfg.Events) > 0 {
		first := 0
		for i, e := range cfg.Events {
			if e.Date.Before(cfg.Events[first].Date) {
				first = i
			}
		}
		idx = []int{first}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cfg.Events[a].Date.Compare(cfg.Events[b].Date) })
	return idx
}

// IsAcceptance reports whether e changes what a platform accepts: an
// accept or a stop_accepting event.
func IsAcceptance(e sim.Event) bool { return e.Kind == sim.Accept || e.Kind == sim.StopAccepting }

// EventName identifies the event cfg.Events[i] in effects tables, with
// the names of the scenario file: "jd accepts alipay from 2024-10-29",
// "jd stops accepting alipay from 2025-01-01", "alipay promotion on jd
// from 2025-01-01"; a set event by its label ("kappa = 1.5 from
// 2025-01-01").
func EventName(cfg *sim.Config, i int) string {
	return eventPhrase(cfg, cfg.Events[i], func(k string, n int) string {
		if k == "p" {
			return nameAt(platformNames(cfg), n)
		}
		return nameAt(methodNames(cfg), n)
	})
}

// EventLabel is EventName with the labels of methods and platforms, for
// people: "JD accepts Alipay from 2024-10-29".
func EventLabel(cfg *sim.Config, i int) string {
	return eventPhrase(cfg, cfg.Events[i], func(k string, n int) string {
		if k == "p" {
			if n < 0 || n >= len(cfg.Platforms) {
				return nameAt(nil, n)
			}
			return platformLabel(cfg, n)
		}
		if n < 0 || n >= len(cfg.Methods) {
			return nameAt(nil, n)
		}
		return methodLabel(cfg, n)
	})
}

// eventPhrase describes e with name giving the names of its platform
// ("p") and method ("m").
func eventPhrase(cfg *sim.Config, e sim.Event, name func(kind string, i int) string) string {
	from := " from " + e.Date.Format(DateLayout)
	switch e.Kind {
	case sim.Accept:
		return name("p", e.Platform) + " accepts " + name("m", e.Method) + from
	case sim.StopAccepting:
		return name("p", e.Platform) + " stops accepting " + name("m", e.Method) + from
	case sim.Promotion:
		if e.Platform >= 0 {
			return name("m", e.Method) + " promotion on " + name("p", e.Platform) + from
		}
		return name("m", e.Method) + " promotion" + from
	}
	if e.Label != "" {
		return e.Label + from
	}
	return e.Kind.String() + from
}

// EffectPoint is a moment of the effects table: a horizon after an
// event, and the step holding its date.
type EffectPoint struct {
	// Event is the event's index in the scenario's Events.
	Event int
	// Horizon is the horizon's label, such as "12m".
	Horizon string
	// Target is the event's date plus the horizon; Step is the last step
	// starting on or before Target.
	Target time.Time
	Step   int
}

// EffectPlan says at which steps a comparison's effects are reported.
type EffectPlan struct {
	// Points are the moments reported, event by event in the order
	// given to PlanEffects, each horizon in the order given.
	Points []EffectPoint
	// Notes say which horizons were skipped, of which event, and why.
	Notes []string
}

// PlanEffects returns the moments of a comparison's effects table: each
// horizon after each event of events (indices in cfg.Events, in the
// order given; nil means EffectEvents(cfg)). A horizon is measured from
// its own event's date: its date is the event's date plus the horizon
// (Horizon.After) and its step the last one starting on or before that
// date. A horizon falling outside the simulated steps is skipped, with a
// note naming the event, the date, and the longest horizon that fits.
//
// It is an error when no horizon of any event is left, when there is no
// horizon or no event, or when an index is out of range, so that a
// command can check its horizons before it runs anything.
func PlanEffects(cfg *sim.Config, events []int, horizons []Horizon) (*EffectPlan, error) {
	if len(horizons) == 0 {
		return nil, fmt.Errorf("effects: no horizon given")
	}
	if cfg.Steps < 1 {
		return nil, fmt.Errorf("effects: the scenario has %d steps, want at least 1", cfg.Steps)
	}
	if events == nil {
		events = EffectEvents(cfg)
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("effects: the scenario %s has no event to measure effects from", cfg.Name)
	}
	plan := &EffectPlan{}
	end, lastDay := cfg.End(), cfg.End().AddDate(0, 0, -1)
	for _, ev := range events {
		if ev < 0 || ev >= len(cfg.Events) {
			return nil, fmt.Errorf("effects: event %d out of range: the scenario has %d events", ev, len(cfg.Events))
		}
		date := cfg.Events[ev].Date
		name := EventName(cfg, ev)
		for _, h := range horizons {
			target := h.After(date)
			if !target.Before(end) {
				plan.Notes = append(plan.Notes, fmt.Sprintf("horizon %s after %s (%s) falls after the last step, which ends %s: skipped (%s)",
					h.Label, name, target.Format(DateLayout), lastDay.Format(DateLayout), longestHorizon(date, end)))
				continue
			}
			n := cfg.Steps - 1
			for n >= 0 && cfg.Date(n).After(target) {
				n--
			}
			if n < 0 {
				plan.Notes = append(plan.Notes, fmt.Sprintf("horizon %s after %s (%s) falls before the first step, which starts %s: skipped",
					h.Label, name, target.Format(DateLayout), cfg.Start.Format(DateLayout)))
				continue
			}
			plan.Points = append(plan.Points, EffectPoint{Event: ev, Horizon: h.Label, Target: target, Step: n})
		}
	}
	if len(plan.Points) == 0 {
		return plan, fmt.Errorf("effects: no horizon falls within the simulation: %s", strings.Join(plan.Notes, "; "))
	}
	return plan, nil
}

// longestHorizon says which horizon is the longest whose date, counted
// from event, falls before end: in months, else weeks, else days.
func longestHorizon(event, end time.Time) string {
	for _, u := range []calendar.Unit{calendar.Month, calendar.Week, calendar.Day} {
		if !(calendar.Duration{N: 1, Unit: u}).After(event).Before(end) {
			continue
		}
		d := calendar.Duration{N: 1, Unit: u}
		for (calendar.Duration{N: d.N + 1, Unit: u}).After(event).Before(end) {
			d.N++
		}
		return "the longest horizon that fits is " + d.String()
	}
	return "the simulation ends on the day of the event"
}

// EffectRow is one line of the effects table: a figure at a horizon
// after an event.
type EffectRow struct {
	// Event is the event's index in the scenario's Events, and EventName
	// identifies it (see EventName): "jd accepts alipay from 2024-10-29".
	Event     int
	EventName string
	// Horizon is the horizon's label, such as "12m", counted from the
	// event's date.
	Horizon string
	// Step is the step holding the horizon's date, and Date its first day.
	Step int
	Date time.Time
	// Key is the figure.
	Key Key
	// Scenario and Baseline are the means over replicates of the figure
	// in the scenario and in the baseline it is compared with.
	Scenario, Baseline float64
	// Effect is the mean over replicates of the paired difference
	// (scenario minus baseline, replicate by replicate), and Lo and Hi
	// its 5th and 95th percentiles.
	Effect, Lo, Hi float64
	// Runs is the number of replicates with a defined difference.
	Runs int
	// ParameterShare is the estimated share of the variance of the
	// paired differences that comes from the parameter sets, nil unless
	// ParameterShares set it.
	ParameterShare *float64
}

// EffectColumns are the columns of the effects table at horizons, in the
// order WriteEffectsCSV writes them.
var EffectColumns = []string{"event", "horizon", "step", "date", "region", "metric", "entity", "runs", "scenario", "baseline", "effect", "p05", "p95"}

// EffectsAt returns the effects table of a comparison: at each moment of
// plan (see PlanEffects), in its order, every figure of EventKeys for the
// moment's event. scenario and baseline hold the statistics of the two
// scenarios over replicates and effects those of their paired
// differences (the Runs of Runs.Difference); cfg is the scenario's
// configuration. Each figure is looked up, not found in an index of
// every row. It is an error when a table lacks a figure or dates a
// step otherwise than cfg.
func EffectsAt(scenario, baseline, effects Statistics, cfg *sim.Config, plan *EffectPlan) ([]EffectRow, error) {
	if plan == nil || len(plan.Points) == 0 {
		return nil, fmt.Errorf("effects: no horizon given")
	}
	tables := []struct {
		name string
		st   Statistics
	}{
		{"scenario", scenario},
		{"baseline", baseline},
		{"effects", effects},
	}
	var rows []EffectRow
	for _, pt := range plan.Points {
		if pt.Event < 0 || pt.Event >= len(cfg.Events) || pt.Step < 0 || pt.Step >= cfg.Steps {
			return nil, fmt.Errorf("effects: the plan is not of the scenario %s: event %d, step %d", cfg.Name, pt.Event, pt.Step)
		}
		date := cfg.Date(pt.Step)
		name := EventName(cfg, pt.Event)
		for _, k := range EventKeys(cfg, pt.Event) {
			var got [3]StatRow
			for i, t := range tables {
				r, ok := lookup(t.st, pt.Step, k)
				if !ok {
					return nil, fmt.Errorf("effects: the %s table has no %s at step %d", t.name, k, pt.Step)
				}
				if !r.Date.Equal(date) {
					return nil, fmt.Errorf("effects: the %s table dates step %d %s, the scenario %s: the table is not of this scenario",
						t.name, pt.Step, r.Date.Format(DateLayout), date.Format(DateLayout))
				}
				got[i] = r
			}
			e := got[2]
			rows = append(rows, EffectRow{
				Event: pt.Event, EventName: name,
				Horizon: pt.Horizon, Step: pt.Step, Date: date, Key: k,
				Scenario: got[0].Mean, Baseline: got[1].Mean,
				Effect: e.Mean, Lo: e.P05, Hi: e.P95, Runs: e.Runs,
			})
		}
	}
	return rows, nil
}

// lookup is st.Lookup, finding nothing in a nil table.
func lookup(st Statistics, step int, k Key) (StatRow, bool) {
	if st == nil {
		return StatRow{}, false
	}
	return st.Lookup(step, k)
}

// WriteEffectsCSV writes rows to w as CSV with the EffectColumns header,
// dates as YYYY-MM-DD and values as WriteCSV writes them (NaN as an empty
// field). It stops with an error wrapping ErrCanceled soon after ctx
// ends.
func WriteEffectsCSV(ctx context.Context, w io.Writer, rows []EffectRow) error {
	c := newCSVLines(ctx, w)
	if err := c.header(EffectColumns); err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		c.field(r.EventName)
		c.field(r.Horizon)
		c.int(r.Step)
		c.dateField(r.Date)
		c.field(r.Key.Region)
		c.field(r.Key.Metric)
		c.field(r.Key.Entity)
		c.int(r.Runs)
		for _, v := range []float64{r.Scenario, r.Baseline, r.Effect, r.Lo, r.Hi} {
			c.value(v)
		}
		if err := c.end(); err != nil {
			return err
		}
	}
	return c.flush()
}
