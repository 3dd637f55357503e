package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// Summary is the content of summary.json: where a run came from and its
// headline figures at two moments. Every list keeps a fixed order, so the
// file is stable apart from Provenance.WallSeconds.
type Summary struct {
	// Provenance says what was run, how, and by which program.
	Provenance Provenance `json:"provenance"`
	// Moments holds the headline figures: first the baseline moment, then
	// the final one (see NewSummary).
	Moments []Moment `json:"moments"`
	// Comparison is set for the summary of 'interopsim compare': the
	// baseline and the effects at the chosen horizons. Moments are then
	// the scenario's.
	Comparison *Comparison `json:"comparison,omitempty"`
}

// Comparison describes a counterfactual comparison.
type Comparison struct {
	// Baseline is the baseline scenario's name, BaselineFile where it came
	// from, and BaselineSHA256 the hex SHA-256 of its resolved file
	// (baseline.yaml).
	Baseline       string `json:"baseline"`
	BaselineFile   string `json:"baseline_file"`
	BaselineSHA256 string `json:"baseline_sha256"`
	// CommonRandomNumbers says whether replicate i of both scenarios drew
	// the same random numbers (the default) or independent ones.
	CommonRandomNumbers bool `json:"common_random_numbers"`
	// Effects are the effects at each horizon after each event (see
	// EffectsAt), event by event.
	Effects []EffectFigure `json:"effects"`
	// Notes say which horizons were skipped and why (EffectPlan.Notes).
	Notes []string `json:"notes,omitempty"`
}

// EffectFigure is one row of the effects table in summary.json.
type EffectFigure struct {
	// Event identifies the event the horizon counts from (EventName):
	// "jd accepts alipay from 2024-10-29".
	Event   string `json:"event"`
	Horizon string `json:"horizon"`
	Date    string `json:"date"`
	Region  string `json:"region"`
	Metric  string `json:"metric"`
	Entity  string `json:"entity"`
	// Runs is the number of paired replicates with a value.
	Runs int `json:"runs"`
	// Scenario and Baseline are means; Effect is the mean of the paired
	// differences and P05, P95 their 5th and 95th percentiles.
	Scenario Value `json:"scenario"`
	Baseline Value `json:"baseline"`
	Effect   Value `json:"effect"`
	P05      Value `json:"p05"`
	P95      Value `json:"p95"`
}

// NewComparison returns the comparison part of a summary: the baseline
// scenario's name, file and resolved bytes, whether replicates shared
// random numbers, the effects table (EffectsAt) and the notes of its
// plan (EffectPlan.Notes).
func NewComparison(baseline, file string, resolved []byte, crn bool, rows []EffectRow, notes []string) *Comparison {
	sum := sha256.Sum256(resolved)
	c := &Comparison{Baseline: baseline, BaselineFile: file, BaselineSHA256: hex.EncodeToString(sum[:]), CommonRandomNumbers: crn,
		Notes: notes}
	for _, r := range rows {
		c.Effects = append(c.Effects, EffectFigure{
			Event: r.EventName, Horizon: r.Horizon, Date: r.Date.Format(DateLayout), Region: r.Key.Region, Metric: r.Key.Metric, Entity: r.Key.Entity,
			Runs: r.Runs, Scenario: Value(r.Scenario), Baseline: Value(r.Baseline), Effect: Value(r.Effect), P05: Value(r.Lo), P95: Value(r.Hi),
		})
	}
	return c
}

// Identity names the job a summary belongs to: the scenario's name, or
// "<scenario> vs <baseline>" for a comparison. An output directory holds
// the results of one job (see PrepareDir).
func (s *Summary) Identity() string {
	if s.Comparison != nil {
		return s.Provenance.Scenario + " vs " + s.Comparison.Baseline
	}
	return s.Provenance.Scenario
}

// Provenance identifies a run well enough to reproduce it. The number of
// worker goroutines is left out on purpose: results do not depend on it.
type Provenance struct {
	// Scenario is the scenario's name.
	Scenario string `json:"scenario"`
	// ScenarioFile is the file the scenario was read from, as the
	// scenarios package records it ("builtin:<name>" for a built-in).
	ScenarioFile string `json:"scenario_file"`
	// ScenarioSHA256 is the hex SHA-256 of the scenario's source bytes.
	ScenarioSHA256 string `json:"scenario_sha256"`
	// Seed is the random seed.
	Seed uint64 `json:"seed"`
	// Runs is the number of replicates: 1 for a single run. With more,
	// every figure is the mean over replicates; replicate i draws from
	// the random streams of (Seed, i).
	Runs int `json:"runs"`
	// Agents is the total number of simulated agents.
	Agents int `json:"agents"`
	// Steps is the number of steps simulated.
	Steps int `json:"steps"`
	// StepUnit is "day", "week" or "month".
	StepUnit string `json:"step_unit"`
	// Start is the first day of the first step (YYYY-MM-DD).
	Start string `json:"start"`
	// End is the day after the last step (YYYY-MM-DD): the horizon is
	// [Start, End).
	End string `json:"end"`
	// Engine is "agents" or "meanfield".
	Engine string `json:"engine"`
	// Version is the program's version (see ProgramVersion).
	Version string `json:"version"`
	// GoVersion is the Go release that built the program.
	GoVersion string `json:"go_version"`
	// WallSeconds is the run's elapsed time, to the millisecond. It is the
	// only field that differs between two runs of the same scenario.
	WallSeconds float64 `json:"wall_seconds"`
}

// Moment holds the headline figures at one step.
type Moment struct {
	// Name is "baseline" or "final".
	Name string `json:"name"`
	// Note says in words which step this is and why.
	Note string `json:"note"`
	// Step is the step index, from 0.
	Step int `json:"step"`
	// Date is the first day of the step (YYYY-MM-DD).
	Date string `json:"date"`
	// Regions holds the figures of all regions together (region "all")
	// first, then of each region in scenario order.
	Regions []RegionFigures `json:"regions"`
}

// RegionFigures are the headline figures of one region at one step.
// Lists follow the scenario's order of methods and platforms.
type RegionFigures struct {
	// Region is a region name or AllRegions.
	Region string `json:"region"`
	// Adoption is the share of people holding each method.
	Adoption Figures `json:"adoption"`
	// Multihoming is the share of people holding two or more methods.
	Multihoming Value `json:"multihoming"`
	// GMVShare is each platform's share of purchase value.
	GMVShare Figures `json:"gmv_share"`
	// PaymentShare is, for every platform/method pair, the share of the
	// platform's transactions paid with the method.
	PaymentShare Figures `json:"payment_share"`
	// LostSaleRate is, per platform, lost sales as a share of checkouts.
	LostSaleRate Figures `json:"lost_sale_rate"`
}

// Figure is the value of a metric for one entity: a method, a platform
// or a "platform/method" pair, as in metrics.csv.
type Figure struct {
	// Entity is the method, platform or pair.
	Entity string
	// Value is the figure.
	Value Value
}

// Figures are the values of a metric for a list of entities, in order.
// In JSON they are an object from entity to value, whose keys keep the
// list's order: {"alipay": 0.8, "wechat_pay": 0.9}.
type Figures []Figure

// MarshalJSON writes fs as a JSON object, in order.
func (fs Figures) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(f.Entity)
		if err != nil {
			return nil, err
		}
		v, err := f.Value.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads a JSON object from entity to value, keeping the
// order of its keys.
func (fs *Figures) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("bad figures %.40s, want an object from entity to value", b)
	}
	*fs = (*fs)[:0]
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		var v Value
		if err := d.Decode(&v); err != nil {
			return fmt.Errorf("figure %s: %w", tok, err)
		}
		*fs = append(*fs, Figure{Entity: tok.(string), Value: v})
	}
	_, err := d.Token()
	return err
}

// Value is a figure of summary.json. It is written with ValueDigits
// significant digits, and as null when it is NaN (a share of nothing) or
// infinite, which JSON cannot represent.
type Value float64

// MarshalJSON writes v as a JSON number, or null when v is not finite.
func (v Value) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', ValueDigits, 64), nil
}

// UnmarshalJSON reads a JSON number, or null as NaN.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Value(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("bad value %s, want a number or null", b)
	}
	*v = Value(f)
	return nil
}

// RunInfo is what NewSummary needs to know about a run besides its table
// and Config.
type RunInfo struct {
	// File is the scenario file, as the scenarios package records it.
	File string
	// Source is the scenario file's content; its SHA-256 identifies it.
	Source []byte
	// Seed is the random seed.
	Seed uint64
	// Engine is the engine that ran the scenario.
	Engine sim.Engine
	// Runs is the number of replicates whose means t holds; 0 means 1.
	Runs int
	// Wall is the run's elapsed time.
	Wall time.Duration
}

// Moment names.
const (
	// Baseline is the name of the moment before the first acceptance
	// event.
	Baseline = "baseline"
	// Final is the name of the last step's moment.
	Final = "final"
)

// NewSummary builds the summary of the run whose measures are in t (as
// built by FromResult or read by ReadCSV, or the means of an ensemble,
// StatTable.MeanTable) and whose scenario is cfg. When t holds several
// runs, the run of its first row is summarised.
//
// It reports two moments. The baseline is the last step before the first
// acceptance event (sim.Accept) takes effect, or the first step when the
// scenario has no acceptance event or the first one takes effect from the
// first step; an event after the horizon makes the last step the
// baseline. The final moment is the last step. It is an error if t lacks
// a figure that the summary reports.
func NewSummary(t *Table, cfg *sim.Config, info RunInfo) (*Summary, error) {
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("summarise: the table has no rows")
	}
	if cfg.Steps < 1 {
		return nil, fmt.Errorf("summarise: the scenario has %d steps, want at least 1", cfg.Steps)
	}
	run := t.Rows[0].Run
	idx := make(map[figureKey]float64, len(t.Rows))
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.Run == run {
			idx[figureKey{r.Step, r.Region, r.Metric, r.Entity}] = r.Value
		}
	}
	sum := sha256.Sum256(info.Source)
	s := &Summary{Provenance: Provenance{
		Scenario:       cfg.Name,
		ScenarioFile:   info.File,
		ScenarioSHA256: hex.EncodeToString(sum[:]),
		Seed:           info.Seed,
		Runs:           max(info.Runs, 1),
		Agents:         cfg.Agents(),
		Steps:          cfg.Steps,
		StepUnit:       cfg.Step.String(),
		Start:          cfg.Start.Format(DateLayout),
		End:            cfg.End().Format(DateLayout),
		Engine:         info.Engine.String(),
		Version:        ProgramVersion(),
		GoVersion:      runtime.Version(),
		WallSeconds:    math.Round(info.Wall.Seconds()*1000) / 1000,
	}}
	base, note := baselineStep(cfg)
	last := cfg.Steps - 1
	for _, m := range []struct {
		name, note string
		step       int
	}{
		{Baseline, note, base},
		{Final, "last step", last},
	} {
		mo := Moment{Name: m.name, Note: m.note, Step: m.step, Date: cfg.Date(m.step).Format(DateLayout)}
		regions := append([]string{AllRegions}, regionNames(cfg)...)
		for _, region := range regions {
			f, err := regionFigures(idx, cfg, m.step, region)
			if err != nil {
				return nil, fmt.Errorf("summarise %s moment: %w", m.name, err)
			}
			mo.Regions = append(mo.Regions, f)
		}
		s.Moments = append(s.Moments, mo)
	}
	return s, nil
}

type figureKey struct {
	step                   int
	region, metric, entity string
}

func regionNames(cfg *sim.Config) []string {
	names := make([]string, len(cfg.Regions))
	for i, r := range cfg.Regions {
		names[i] = r.Name
	}
	return names
}

func methodNames(cfg *sim.Config) []string {
	names := make([]string, len(cfg.Methods))
	for i, m := range cfg.Methods {
		names[i] = m.Name
	}
	return names
}

func platformNames(cfg *sim.Config) []string {
	names := make([]string, len(cfg.Platforms))
	for i, p := range cfg.Platforms {
		names[i] = p.Name
	}
	return names
}

// baselineStep returns the baseline step of NewSummary and a note saying
// why it was chosen.
func baselineStep(cfg *sim.Config) (int, string) {
	first := -1
	for i, e := range cfg.Events {
		if e.Kind == sim.Accept && (first < 0 || e.Date.Before(cfg.Events[first].Date)) {
			first = i
		}
	}
	if first < 0 {
		return 0, "first step: the scenario has no acceptance event"
	}
	e := cfg.Events[first]
	what := fmt.Sprintf("%s accepts %s from %s", nameAt(platformNames(cfg), e.Platform),
		nameAt(methodNames(cfg), e.Method), e.Date.Format(DateLayout))
	k := 0 // the first step that starts on or after the event's date
	for k < cfg.Steps && cfg.Date(k).Before(e.Date) {
		k++
	}
	switch {
	case k == 0:
		return 0, "first step: " + what + ", from the start"
	case k == cfg.Steps:
		return k - 1, "last step: " + what + ", after the horizon"
	}
	return k - 1, "last step before " + what
}

// nameAt returns names[i], or a placeholder for an index out of range.
func nameAt(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return fmt.Sprintf("#%d", i)
	}
	return names[i]
}

// regionFigures collects the figures of one region at one step from idx.
func regionFigures(idx map[figureKey]float64, cfg *sim.Config, step int, region string) (RegionFigures, error) {
	f := RegionFigures{Region: region}
	var err error
	get := func(metric, entity string) Value {
		v, ok := idx[figureKey{step, region, metric, entity}]
		if !ok && err == nil {
			err = fmt.Errorf("no %s of %s in region %s at step %d", metric, entity, region, step)
		}
		return Value(v)
	}
	list := func(metric string, entities []string) Figures {
		out := make(Figures, len(entities))
		for i, e := range entities {
			out[i] = Figure{Entity: e, Value: get(metric, e)}
		}
		return out
	}
	methods, platforms := methodNames(cfg), platformNames(cfg)
	var pairs []string
	for _, p := range platforms {
		for _, m := range methods {
			pairs = append(pairs, p+"/"+m)
		}
	}
	f.Adoption = list("adoption", methods)
	f.Multihoming = get("multihoming", "2+")
	f.GMVShare = list("gmv_share", platforms)
	f.PaymentShare = list("payment_share", pairs)
	f.LostSaleRate = list("lost_sale_rate", platforms)
	return f, err
}

// WriteSummary writes s to w as indented JSON, ending with a newline.
func WriteSummary(w io.Writer, s *Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// ReadSummary reads a summary written by WriteSummary from r; name names
// the input in errors. Unknown fields are ignored, so that files written
// by later versions can be read.
func ReadSummary(r io.Reader, name string) (*Summary, error) {
	var s Summary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}
