package output

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// DefaultHorizons are the horizons of a comparison's effects table when
// none are chosen, as ParseHorizons reads them.
const DefaultHorizons = "3m,6m,12m,24m"

// Horizon is a time after the first event at which effects are reported.
type Horizon struct {
	// Label is the horizon as written: "3m", "2y".
	Label string
	// Months is the time after the first event in calendar months.
	Months int
}

// horizonForms says what ParseHorizons accepts, for its errors.
const horizonForms = "want a whole number of months or years such as 3m, 18m or 2y"

// ParseHorizons reads a comma-separated list of horizons, each a positive
// whole number of months ("18m") or years ("2y"), such as
// DefaultHorizons. Spaces around items are ignored and the order is kept.
// Every mistake found is reported, joined with errors.Join.
func ParseHorizons(s string) ([]Horizon, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no horizon given: %s, separated by commas", horizonForms)
	}
	var hs []Horizon
	var errs []error
	seen := map[int]string{}
	for _, item := range strings.Split(s, ",") {
		item = strings.ToLower(strings.TrimSpace(item))
		h, err := parseHorizon(item)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, ok := seen[h.Months]; ok {
			errs = append(errs, fmt.Errorf("horizon %s repeats %s", h.Label, prev))
			continue
		}
		seen[h.Months] = h.Label
		hs = append(hs, h)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return hs, nil
}

// parseHorizon reads one horizon such as "18m" or "2y", in lower case.
func parseHorizon(s string) (Horizon, error) {
	if s == "" {
		return Horizon{}, fmt.Errorf("empty horizon: %s", horizonForms)
	}
	num, unit := s[:len(s)-1], s[len(s)-1]
	perUnit := map[byte]int{'m': 1, 'y': 12}[unit]
	if perUnit == 0 || num == "" || len(num) > 4 || strings.Trim(num, "0123456789") != "" {
		return Horizon{}, fmt.Errorf("bad horizon %q: %s", s, horizonForms)
	}
	n, _ := strconv.Atoi(num) // at most four digits
	if n == 0 {
		return Horizon{}, fmt.Errorf("bad horizon %q: must be after the event, %s", s, horizonForms)
	}
	return Horizon{Label: strconv.Itoa(n) + string(unit), Months: n * perUnit}, nil
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
// "adoption of Alipay", "Taobao/Tmall lost sales per week". It leaves
// the region out. Other metrics read "<metric> of <entity>".
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

// EffectRow is one line of the effects table: a figure at a horizon.
type EffectRow struct {
	// Horizon is the horizon's label, such as "12m".
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
}

// EffectColumns are the columns of the effects table at horizons, in the
// order WriteEffectsCSV writes them.
var EffectColumns = []string{"horizon", "step", "date", "region", "metric", "entity", "runs", "scenario", "baseline", "effect", "p05", "p95"}

// effectEvent returns the event effects are measured from: the first
// acceptance event, or else the earliest event of any kind.
func effectEvent(cfg *sim.Config) (sim.Event, bool) {
	if i := firstAccept(cfg); i >= 0 {
		return cfg.Events[i], true
	}
	first := -1
	for i, e := range cfg.Events {
		if first < 0 || e.Date.Before(cfg.Events[first].Date) {
			first = i
		}
	}
	if first < 0 {
		return sim.Event{}, false
	}
	return cfg.Events[first], true
}

// EffectsAt returns the effects table of a comparison: every figure of
// HeadlineKeys(cfg) at each horizon, horizon by horizon in the order
// given. scenario and baseline hold the statistics of the two scenarios
// over replicates and effects those of their paired differences
// (Runs.Difference(...).Stats()); cfg is the scenario's configuration.
//
// A horizon is measured from the date of the first acceptance event (or,
// in a scenario without one, of its earliest event): its step is the last
// one starting on or before that date plus the horizon's months
// (time.AddDate). Horizons falling outside the simulated steps are
// skipped, each with a note saying why and which horizon is the longest
// that fits; it is an error when none is left, or when a table lacks a
// figure.
func EffectsAt(scenario, baseline, effects *StatTable, cfg *sim.Config, horizons []Horizon) ([]EffectRow, []string, error) {
	if len(horizons) == 0 {
		return nil, nil, fmt.Errorf("effects: no horizon given")
	}
	if cfg.Steps < 1 {
		return nil, nil, fmt.Errorf("effects: the scenario has %d steps, want at least 1", cfg.Steps)
	}
	ev, ok := effectEvent(cfg)
	if !ok {
		return nil, nil, fmt.Errorf("effects: the scenario %s has no event to measure effects from", cfg.Name)
	}
	type at struct {
		label string
		step  int
	}
	var steps []at
	var notes []string
	end, lastDay := cfg.End(), cfg.End().AddDate(0, 0, -1)
	for _, h := range horizons {
		target := ev.Date.AddDate(0, h.Months, 0)
		if !target.Before(end) {
			notes = append(notes, fmt.Sprintf("horizon %s (%s) falls after the last step, which ends %s: skipped (%s)",
				h.Label, target.Format(DateLayout), lastDay.Format(DateLayout), longestHorizon(ev.Date, end)))
			continue
		}
		n := cfg.Steps - 1
		for n >= 0 && cfg.Date(n).After(target) {
			n--
		}
		if n < 0 {
			notes = append(notes, fmt.Sprintf("horizon %s (%s) falls before the first step, which starts %s: skipped",
				h.Label, target.Format(DateLayout), cfg.Start.Format(DateLayout)))
			continue
		}
		steps = append(steps, at{h.Label, n})
	}
	if len(steps) == 0 {
		return nil, notes, fmt.Errorf("effects: no horizon falls within the simulation: %s", strings.Join(notes, "; "))
	}
	tables := []struct {
		name string
		idx  map[statKey]*StatRow
	}{
		{"scenario", indexStats(scenario)},
		{"baseline", indexStats(baseline)},
		{"effects", indexStats(effects)},
	}
	keys := HeadlineKeys(cfg)
	rows := make([]EffectRow, 0, len(steps)*len(keys))
	for _, s := range steps {
		date := cfg.Date(s.step)
		for _, k := range keys {
			var got [3]*StatRow
			for i, t := range tables {
				r, ok := t.idx[statKey{s.step, k}]
				if !ok {
					return nil, notes, fmt.Errorf("effects: the %s table has no %s at step %d", t.name, k, s.step)
				}
				if !r.Date.Equal(date) {
					return nil, notes, fmt.Errorf("effects: the %s table dates step %d %s, the scenario %s: the table is not of this scenario",
						t.name, s.step, r.Date.Format(DateLayout), date.Format(DateLayout))
				}
				got[i] = r
			}
			e := got[2]
			rows = append(rows, EffectRow{
				Horizon: s.label, Step: s.step, Date: date, Key: k,
				Scenario: got[0].Mean, Baseline: got[1].Mean,
				Effect: e.Mean, Lo: e.P05, Hi: e.P95, Runs: e.Runs,
			})
		}
	}
	return rows, notes, nil
}

// longestHorizon says which horizon is the longest whose date, counted
// from event, falls before end.
func longestHorizon(event, end time.Time) string {
	if !event.AddDate(0, 1, 0).Before(end) {
		return "the simulation ends less than a month after the event"
	}
	m := 1
	for event.AddDate(0, m+1, 0).Before(end) {
		m++
	}
	return fmt.Sprintf("the longest horizon that fits is %dm", m)
}

// statKey identifies a row of a StatTable.
type statKey struct {
	step int
	key  Key
}

// indexStats maps each row of st to its key. A nil table has no rows.
func indexStats(st *StatTable) map[statKey]*StatRow {
	if st == nil {
		return nil
	}
	idx := make(map[statKey]*StatRow, len(st.Rows))
	for i := range st.Rows {
		r := &st.Rows[i]
		idx[statKey{r.Step, Key{r.Region, r.Metric, r.Entity}}] = r
	}
	return idx
}

// WriteEffectsCSV writes rows to w as CSV with the EffectColumns header,
// dates as YYYY-MM-DD and values as WriteCSV writes them (NaN as an empty
// field).
func WriteEffectsCSV(w io.Writer, rows []EffectRow) error {
	return writeRecords(w, EffectColumns, len(rows), func(i int, rec []string) {
		r := &rows[i]
		rec[0] = r.Horizon
		rec[1] = strconv.Itoa(r.Step)
		rec[2] = r.Date.Format(DateLayout)
		rec[3], rec[4], rec[5] = r.Key.Region, r.Key.Metric, r.Key.Entity
		rec[6] = strconv.Itoa(r.Runs)
		for k, v := range []float64{r.Scenario, r.Baseline, r.Effect, r.Lo, r.Hi} {
			rec[7+k] = FormatValue(v)
		}
	})
}
