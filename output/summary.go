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
	"slices"
	"strconv"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// SchemaVersion is the version of the layout of a run's data files that
// summary.json records: the columns of metrics.csv, baseline.csv,
// effects.csv, effects_at.csv and runs.csv and the fields of
// summary.json, as docs/metrics.md describes them. It goes up when a
// column or field is removed or renamed or changes its meaning, unit or
// empty-field rule; adding columns, fields or metrics leaves it as it is,
// so readers must ignore what they do not know. Files without it (version
// 0) were written before versioning, when a single run's metrics.csv had
// the layout of runs.csv.
const SchemaVersion = 1

// Summary is the content of summary.json: the schema version, where a run
// came from, and its headline figures at two moments: every figure of the
// table of summary.md, with its statistics over replicates. Every list
// keeps a fixed order, so the file is stable apart from
// Provenance.Created and Provenance.WallSeconds.
type Summary struct {
	// SchemaVersion is SchemaVersion when the file was written.
	SchemaVersion int `json:"schema_version"`
	// Provenance says what was run, how, and by which program.
	Provenance Provenance `json:"provenance"`
	// Moments holds the headline figures: first the moment before the
	// first acceptance event, then the final one (see NewSummary).
	Moments []Moment `json:"moments"`
	// Comparison is set for the summary of 'interopsim compare': the
	// baseline and the effects at the chosen horizons. Moments are then
	// the scenario's.
	Comparison *Comparison `json:"comparison,omitempty"`
	// Uncertainty says what the intervals include: sampling noise,
	// parameter uncertainty or both (see Uncertainty). Set by NewSummary
	// from RunInfo; absent from a calibration's summary.
	Uncertainty *Uncertainty `json:"uncertainty,omitempty"`
	// Files records every other file the job wrote into its directory
	// (summary.json aside), in the order written: a later job or 'plot'
	// deletes or replaces only the files recorded here whose size and
	// hash still match. Set by Dir.WriteJob.
	Files []FileRecord `json:"files"`
}

// Comparison describes a counterfactual comparison.
type Comparison struct {
	// Baseline is the baseline scenario's name, BaselineFile where it came
	// from, and BaselineSHA256 the hash of its resolved file
	// (baseline.yaml), as ResolvedSHA256 computes it.
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
	// ParameterShare is the estimated share of the effect's variance
	// that comes from the parameter sets (EffectRow.ParameterShare);
	// absent without parameter draws.
	ParameterShare *Value `json:"parameter_share,omitempty"`
}

// NewComparison returns the comparison part of a summary: the baseline
// scenario's name, file and resolved bytes, whether replicates shared
// random numbers, the effects table (EffectsAt) and the notes of its
// plan (EffectPlan.Notes).
func NewComparison(baseline, file string, resolved []byte, crn bool, rows []EffectRow, notes []string) *Comparison {
	c := &Comparison{Baseline: baseline, BaselineFile: file, BaselineSHA256: ResolvedSHA256(resolved), CommonRandomNumbers: crn,
		Notes: notes}
	for _, r := range rows {
		c.Effects = append(c.Effects, EffectFigure{
			Event: r.EventName, Horizon: r.Horizon, Date: r.Date.Format(DateLayout), Region: r.Key.Region, Metric: r.Key.Metric, Entity: r.Key.Entity,
			Runs: r.Runs, Scenario: Value(r.Scenario), Baseline: Value(r.Baseline), Effect: Value(r.Effect), P05: Value(r.Lo), P95: Value(r.Hi),
		})
		if r.ParameterShare != nil {
			v := Value(*r.ParameterShare)
			c.Effects[len(c.Effects)-1].ParameterShare = &v
		}
	}
	return c
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
	// ResolvedSHA256 is the hex SHA-256 of the resolved scenario: the
	// bytes of scenario.yaml (every default filled in, overrides such as
	// --seed and --agents applied) after the comment lines at its top,
	// which name the file it was resolved from. A built-in and the
	// scenario.yaml of its run have the same, whatever their source
	// bytes; `grep -v '^#' scenario.yaml | sha256sum` computes it.
	ResolvedSHA256 string `json:"resolved_sha256"`
	// Seed is the random seed.
	Seed uint64 `json:"seed"`
	// Runs is the number of replicates: 1 for a single run. Replicate i
	// draws from the random streams of (Seed, i).
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
	// Engine is "agents", "counts" or "meanfield".
	Engine string `json:"engine"`
	// Version is the program's version (see ProgramVersion).
	Version string `json:"version"`
	// GoVersion is the Go release that built the program.
	GoVersion string `json:"go_version"`
	// Command is the command line as given, after the program's name:
	// ["run", "taobao-wechat-pay", "--runs", "20"]. Empty when unknown.
	Command []string `json:"command"`
	// Created is when the summary was made, in UTC to the second (RFC
	// 3339: "2026-12-01T10:30:00Z"). With WallSeconds, it is the only
	// field that differs between two runs of the same command.
	Created string `json:"created"`
	// WallSeconds is the run's elapsed time, to the millisecond.
	WallSeconds float64 `json:"wall_seconds"`
}

// Moment holds the headline figures at one step.
type Moment struct {
	// Name is Before or Final.
	Name string `json:"name"`
	// Note says in words which step this is and why.
	Note string `json:"note"`
	// Step is the step index, from 0.
	Step int `json:"step"`
	// Date is the first day of the step (YYYY-MM-DD).
	Date string `json:"date"`
	// Figures are the rows of metrics.csv at Step for every metric of
	// SummaryMetrics: all regions together (AllRegions) first, then each
	// region in scenario order; within a region, metrics in the order of
	// sim.Metrics and entities in scenario order.
	Figures []Figure `json:"figures"`
}

// Figure is one figure of a moment: a row of metrics.csv (StatColumns)
// without its step and date, which are the moment's.
type Figure struct {
	// Region, Metric and Entity are as in metrics.csv.
	Region string `json:"region"`
	Metric string `json:"metric"`
	Entity string `json:"entity"`
	// Runs is the number of replicates with a value.
	Runs int `json:"runs"`
	// Mean, SD, P05, P50 and P95 are as in StatRow: with one run, the
	// value, null, and the value three times.
	Mean Value `json:"mean"`
	SD   Value `json:"sd"`
	P05  Value `json:"p05"`
	P50  Value `json:"p50"`
	P95  Value `json:"p95"`
}

// Key returns the figure's key.
func (f *Figure) Key() Key { return Key{Region: f.Region, Metric: f.Metric, Entity: f.Entity} }

// Figure returns the figure of k, or nil when the moment lacks it.
func (m *Moment) Figure(k Key) *Figure {
	for i := range m.Figures {
		if m.Figures[i].Key() == k {
			return &m.Figures[i]
		}
	}
	return nil
}

// SummaryMetrics are the metrics of a summary's moments, for every
// entity and region: those of the table of summary.md (HeadlineKeys)
// and the rates that explain them.
var SummaryMetrics = []string{"adoption", "multihoming", "tx_share", "payment_share", "gmv_share", "lost_sales", "lost_sale_rate"}

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

// RunInfo is what NewSummary needs to know about a run besides its
// statistics and Config.
type RunInfo struct {
	// File is the scenario file, as the scenarios package records it.
	File string
	// Source is the scenario file's content; its SHA-256 identifies it.
	Source []byte
	// Resolved is the resolved scenario (scenario.yaml, as
	// scenarios.Marshal writes it); the SHA-256 of its content after the
	// comment lines at its top identifies what ran.
	Resolved []byte
	// Seed is the random seed.
	Seed uint64
	// Engine is the engine that ran the scenario.
	Engine sim.Engine
	// Command is the command line, after the program's name.
	Command []string
	// Created is when the run was made; it is recorded in UTC, to the
	// second.
	Created time.Time
	// Wall is the run's elapsed time.
	Wall time.Duration
	// Draws describes the parameter draws of the replicates, nil
	// without them.
	Draws *ParameterDraws
}

// Moment names.
const (
	// Before is the name of the moment before the first acceptance event.
	Before = "before"
	// Final is the name of the last step's moment.
	Final = "final"
)

// NewSummary builds the summary of the run whose statistics over one or
// more replicates are st (its Runs, or ReadStats of its metrics.csv)
// and whose scenario is cfg. Each figure is looked up in st (see
// Statistics.Lookup), not found in an index of every row.
//
// It reports two moments. Before is the last step before the first
// acceptance event (sim.Accept) takes effect, or the first step when the
// scenario has no acceptance event or the first one takes effect from the
// first step; an event after the horizon makes the last step the moment
// before. The final moment is the last step. It is an error if st lacks
// a figure that the summary reports.
func NewSummary(st Statistics, cfg *sim.Config, info RunInfo) (*Summary, error) {
	if st == nil || st.Len() == 0 {
		return nil, fmt.Errorf("summarise: the table has no rows")
	}
	if cfg.Steps < 1 {
		return nil, fmt.Errorf("summarise: the scenario has %d steps, want at least 1", cfg.Steps)
	}
	sum := sha256.Sum256(info.Source)
	command := info.Command
	if command == nil {
		command = []string{}
	}
	s := &Summary{SchemaVersion: SchemaVersion, Provenance: Provenance{
		Scenario:       cfg.Name,
		ScenarioFile:   info.File,
		ScenarioSHA256: hex.EncodeToString(sum[:]),
		ResolvedSHA256: ResolvedSHA256(info.Resolved),
		Seed:           info.Seed,
		Runs:           max(st.Replicates(), 1),
		Agents:         cfg.Agents(),
		Steps:          cfg.Steps,
		StepUnit:       cfg.Step.String(),
		Start:          cfg.Start.Format(DateLayout),
		End:            cfg.End().Format(DateLayout),
		Engine:         info.Engine.String(),
		Version:        ProgramVersion(),
		GoVersion:      runtime.Version(),
		Command:        command,
		Created:        info.Created.UTC().Truncate(time.Second).Format(time.RFC3339),
		WallSeconds:    math.Round(info.Wall.Seconds()*1000) / 1000,
	}, Uncertainty: &Uncertainty{Sampling: info.Engine.Stochastic(), Parameters: info.Draws}}
	before, note := beforeStep(cfg)
	keys := summaryKeys(cfg)
	for _, m := range []struct {
		name, note string
		step       int
	}{
		{Before, note, before},
		{Final, "last step", cfg.Steps - 1},
	} {
		mo := Moment{Name: m.name, Note: m.note, Step: m.step, Date: cfg.Date(m.step).Format(DateLayout)}
		for _, k := range keys {
			r, ok := st.Lookup(m.step, k)
			if !ok {
				return nil, fmt.Errorf("summarise %s moment: no %s at step %d", m.name, k, m.step)
			}
			mo.Figures = append(mo.Figures, Figure{
				Region: k.Region, Metric: k.Metric, Entity: k.Entity, Runs: r.Runs,
				Mean: Value(r.Mean), SD: Value(r.SD), P05: Value(r.P05), P50: Value(r.P50), P95: Value(r.P95),
			})
		}
		s.Moments = append(s.Moments, mo)
	}
	return s, nil
}

// withoutHeader returns b without the lines at its top that start with
// "#": the comments of a resolved scenario saying where it came from.
// ResolvedSHA256 returns the hex SHA-256 that identifies a resolved
// scenario (scenarios.Marshal's bytes, scenario.yaml): that of its content
// after the comment lines at its top (see Provenance.ResolvedSHA256).
func ResolvedSHA256(resolved []byte) string {
	sum := sha256.Sum256(withoutHeader(resolved))
	return hex.EncodeToString(sum[:])
}

func withoutHeader(b []byte) []byte {
	for len(b) > 0 && b[0] == '#' {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	return b
}

// summaryKeys returns the figures of a moment, in order (see
// Moment.Figures).
func summaryKeys(cfg *sim.Config) []Key {
	methods, platforms := methodNames(cfg), platformNames(cfg)
	var pairs []string
	for _, p := range platforms {
		for _, m := range methods {
			pairs = append(pairs, p+"/"+m)
		}
	}
	entities := map[string][]string{"method": methods, "platform": platforms, "platform/method": pairs, "2+": {"2+"}}
	var keys []Key
	for _, region := range append([]string{AllRegions}, regionNames(cfg)...) {
		for _, m := range sim.Metrics {
			if !slices.Contains(SummaryMetrics, m.Name) {
				continue
			}
			for _, e := range entities[m.Entity] {
				keys = append(keys, Key{Region: region, Metric: m.Name, Entity: e})
			}
		}
	}
	return keys
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

// beforeStep returns the step of NewSummary's moment Before and a note
// saying why it was chosen.
func beforeStep(cfg *sim.Config) (int, string) {
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

// WriteSummary writes s to w as indented JSON, ending with a newline.
// An object or a list that holds no other, such as a figure, is written
// on one line, so that the file reads as a table.
func WriteSummary(w io.Writer, s *Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	b = append(flattenLeaves(b), '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// flattenLeaves returns the indented JSON b with every object and list
// that holds no other on one line: {"a": 1, "b": [2, 3]} stays nested,
// {"a": 1, "b": 2} and [2, 3] become one line each, with a space after
// each colon and comma.
func flattenLeaves(b []byte) []byte {
	out := make([]byte, 0, len(b))
	open := -1 // the position in out of the innermost unclosed '{' or '[' holding no other
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			inString = c != '"' || escaped
			escaped = c == '\\' && !escaped
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			open = len(out)
		case (c == '}' || c == ']') && open >= 0:
			out = append(out, c)
			out = append(out[:open], oneLine(out[open:])...)
			open = -1
			continue
		case c == '}' || c == ']':
			open = -1
		}
		out = append(out, c)
	}
	return out
}

// oneLine returns the indented JSON object or list b on one line.
func oneLine(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped, space := false, false, false
	for _, c := range b {
		switch {
		case inString:
			inString = c != '"' || escaped
			escaped = c == '\\' && !escaped
		case c == '\n' || c == ' ':
			space = true
			continue
		case c == '"':
			inString = true
		}
		if space && c != '}' && c != ']' && len(out) > 0 && out[len(out)-1] != '{' && out[len(out)-1] != '[' {
			out = append(out, ' ')
		}
		space = false
		out = append(out, c)
	}
	return out
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
