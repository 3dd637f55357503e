package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/interopsim/interopsim/design"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
)

// Files of a sweep's directory, beside summary.json, scenario.yaml and
// baseline.yaml.
const (
	sweepFile   = "sweep.json"
	pointsFile  = "points.csv"
	resultsFile = "results.csv"
	outputsFile = "outputs.csv"
)

// sweepSchema is the version of sweep.json and of the sweep's tables.
const sweepSchema = 1

// sweepIdentity is what fixes a sweep's results: two directories with
// the same identity hold rows of the same experiment, which is what merge
// checks before it puts shards together.
type sweepIdentity struct {
	Scenario string `json:"scenario"`
	// ResolvedSHA256 hashes scenario.yaml, which holds the sweep section
	// (the design, its parameters, points and runs), the seed and the
	// agents; BaselineSHA256 hashes baseline.yaml.
	ResolvedSHA256 string `json:"resolved_sha256"`
	Baseline       string `json:"baseline,omitempty"`
	BaselineSHA256 string `json:"baseline_sha256,omitempty"`
	Design         string `json:"design"`
	// Parameters are the varied parameters in design order.
	Parameters []string `json:"parameters"`
	// Points is the number of design points and Runs the replicates per
	// point.
	Points int    `json:"points"`
	Runs   int    `json:"runs"`
	Seed   uint64 `json:"seed"`
	Agents int    `json:"agents"`
	Engine string `json:"engine"`
	// At is the horizons of the outputs after each acceptance event.
	At string `json:"at"`
}

// shardSpec is the slice I of N of a sweep's design points: the points p
// with p mod N = I−1.
type shardSpec struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

func (s *shardSpec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// holds says whether point p belongs to the shard; a nil shard holds all.
func (s *shardSpec) holds(p int) bool { return s == nil || p%s.Count == s.Index-1 }

// sweepState is sweep.json: the identity, the shard, and which of its
// points are done.
type sweepState struct {
	SchemaVersion int `json:"schema_version"`
	sweepIdentity
	// Shard is the slice of points this directory is for; null for all
	// of them.
	Shard *shardSpec `json:"shard"`
	// Complete says every point of the shard is done; Done lists the
	// points done, in order.
	Complete bool  `json:"complete"`
	Done     []int `json:"done"`
}

// sweepRow is one line of results.csv: one output of one replicate at one
// design point, its values rounded as the file writes them.
type sweepRow struct {
	Point, Replicate int
	Event, Horizon   string
	Step             int
	Date             string
	Region, Metric   string
	Entity           string
	// Scenario, Baseline and Effect are NaN when undefined (no baseline,
	// or a share of nothing).
	Scenario, Baseline, Effect float64
}

var resultColumns = []string{"point", "replicate", "event", "horizon", "step", "date", "region", "metric", "entity", "scenario", "baseline", "effect"}

var outputColumns = append([]string{"point"}, output.EffectColumns...)

// outputKey identifies an output of a sweep.
type outputKey struct{ event, horizon, region, metric, entity string }

func (r *sweepRow) key() outputKey {
	return outputKey{r.Event, r.Horizon, r.Region, r.Metric, r.Entity}
}

// writeCSVRecords writes a header and records with encoding/csv.
func writeCSVRecords(w io.Writer, header []string, n int, rec func(i int) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range n {
		if err := cw.Write(rec(i)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeResults(w io.Writer, rows []sweepRow) error {
	return writeCSVRecords(w, resultColumns, len(rows), func(i int) []string {
		r := &rows[i]
		return []string{strconv.Itoa(r.Point), strconv.Itoa(r.Replicate), r.Event, r.Horizon, strconv.Itoa(r.Step), r.Date,
			r.Region, r.Metric, r.Entity, output.FormatValue(r.Scenario), output.FormatValue(r.Baseline), output.FormatValue(r.Effect)}
	})
}

// readResults reads results.csv as writeResults wrote it.
func readResults(data []byte, name string) ([]sweepRow, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = len(resultColumns)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(header, resultColumns) {
		return nil, fmt.Errorf("%s: line 1: columns %v, want %v", name, header, resultColumns)
	}
	var rows []sweepRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var r sweepRow
		var errs []error
		atoi := func(s, col string) int {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s: line %d: %s: want a whole number, got %q", name, line, col, s))
			}
			return n
		}
		num := func(s, col string) float64 {
			if s == "" {
				return math.NaN()
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(x, 0) {
				errs = append(errs, fmt.Errorf("%s: line %d: %s: want a finite number or nothing, got %q", name, line, col, s))
			}
			return x
		}
		r.Point, r.Replicate = atoi(rec[0], "point"), atoi(rec[1], "replicate")
		r.Event, r.Horizon, r.Step, r.Date = rec[2], rec[3], atoi(rec[4], "step"), rec[5]
		r.Region, r.Metric, r.Entity = rec[6], rec[7], rec[8]
		r.Scenario, r.Baseline, r.Effect = num(rec[9], "scenario"), num(rec[10], "baseline"), num(rec[11], "effect")
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		rows = append(rows, r)
	}
}

// writePoints writes points.csv: each design point's parameter values.
func writePoints(w io.Writer, plan *design.Plan) error {
	header := []string{"point"}
	for _, f := range plan.Design.Factors {
		header = append(header, f.Name)
	}
	return writeCSVRecords(w, header, plan.Len(), func(i int) []string {
		rec := []string{strconv.Itoa(i)}
		for _, x := range plan.X[i] {
			rec = append(rec, strconv.FormatFloat(x, 'g', -1, 64))
		}
		return rec
	})
}

// pointOutputs returns outputs.csv's rows: for each point with every
// replicate present, each output's statistics over its replicates as
// compare's effects_at.csv has them (runs, the means of scenario and
// baseline, the mean of the paired effect and its 5th and 95th
// percentiles), from the rows as results.csv holds them. rows are in
// point, replicate order.
func pointOutputs(rows []sweepRow, runs int) ([][]string, error) {
	var out [][]string
	for i := 0; i < len(rows); {
		p := rows[i].Point
		j := i
		for j < len(rows) && rows[j].Point == p {
			j++
		}
		per := (j - i) / runs
		if per*runs != j-i {
			return nil, fmt.Errorf("point %d has %d rows, not a multiple of its %d replicates", p, j-i, runs)
		}
		var rs output.Runs
		for r := range runs {
			t := &output.Table{}
			for k := range per {
				row := rows[i+r*per+k]
				if row.Replicate != r || row.key() != rows[i+k].key() {
					return nil, fmt.Errorf("point %d: replicate %d does not have the outputs of replicate 0 in order", p, r)
				}
				for q, v := range []float64{row.Scenario, row.Baseline, row.Effect} {
					t.Rows = append(t.Rows, output.Row{Run: r, Step: 3*k + q, Value: v})
				}
			}
			if err := rs.Add(t); err != nil {
				return nil, fmt.Errorf("point %d: %w", p, err)
			}
		}
		for k := range per {
			r0 := rows[i+k]
			sc, bl, ef := rs.Stat(3*k), rs.Stat(3*k+1), rs.Stat(3*k+2)
			n := ef.Runs
			if math.IsNaN(r0.Baseline) && math.IsNaN(r0.Effect) {
				n = sc.Runs
			}
			lo, hi := ef.P05, ef.P95
			out = append(out, []string{strconv.Itoa(p), r0.Event, r0.Horizon, strconv.Itoa(r0.Step), r0.Date, r0.Region, r0.Metric, r0.Entity,
				strconv.Itoa(n), output.FormatValue(sc.Mean), output.FormatValue(bl.Mean), output.FormatValue(ef.Mean),
				output.FormatValue(lo), output.FormatValue(hi)})
		}
		i = j
	}
	return out, nil
}

// sweepResult is everything a sweep's directory holds but its summary:
// what sweep and merge both write, so that a merge of shards writes the
// bytes of a single run.
type sweepResult struct {
	state        sweepState
	resolved     []byte // scenario.yaml
	baseResolved []byte // baseline.yaml, nil without a baseline
	plan         *design.Plan
	rows         []sweepRow // in point, replicate order
	sc           *scenarios.Scenario
}

// files returns the data files of the directory and, when complete and
// figures are asked for, the figures.
func (res *sweepResult) files(ctx context.Context, figs bool, opt plots.Options, workers int) ([]output.File, error) {
	st := res.state
	state, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, err
	}
	files := []output.File{
		{Name: output.ScenarioFile, Write: writeBytes(res.resolved)},
		{Name: sweepFile, Write: writeBytes(append(state, '\n'))},
		{Name: pointsFile, Write: func(w io.Writer) error { return writePoints(w, res.plan) }},
		{Name: resultsFile, Write: func(w io.Writer) error { return writeResults(w, res.rows) }},
	}
	if res.baseResolved != nil {
		files = append(files, output.File{Name: output.BaselineScenarioFile, Write: writeBytes(res.baseResolved)})
	}
	if !st.Complete {
		return files, nil
	}
	outs, err := pointOutputs(res.rows, st.Runs)
	if err != nil {
		return nil, err
	}
	files = append(files, output.File{Name: outputsFile, Write: func(w io.Writer) error {
		return writeCSVRecords(w, outputColumns, len(outs), func(i int) []string { return outs[i] })
	}})
	if figs && st.Shard == nil {
		fs, err := sweepFigures(res, outs, opt)
		if err != nil {
			return nil, err
		}
		rendered, err := renderFiles(ctx, fs, opt, workers)
		if err != nil {
			return nil, err
		}
		files = append(files, rendered...)
	}
	return files, nil
}

// sweepSummary returns the summary.json of a sweep's directory: its
// provenance, without headline figures (outputs.csv holds them).
func sweepSummary(res *sweepResult, command []string, wall time.Duration) *output.Summary {
	sc, st := res.sc, res.state
	cfg := &sc.Config
	sum := &output.Summary{
		SchemaVersion: output.SchemaVersion,
		Provenance: output.Provenance{
			Scenario: cfg.Name, ScenarioFile: sc.File, ScenarioSHA256: hexSHA256(sc.Source), ResolvedSHA256: st.ResolvedSHA256,
			Seed: st.Seed, Runs: st.Runs, Agents: st.Agents, Steps: cfg.Steps, StepUnit: cfg.Step.String(),
			Start: cfg.Start.Format(output.DateLayout), End: cfg.End().Format(output.DateLayout), Engine: st.Engine,
			Version: output.ProgramVersion(), GoVersion: runtime.Version(), Command: command,
			Created: time.Now().UTC().Truncate(time.Second).Format(time.RFC3339), WallSeconds: math.Round(wall.Seconds()*1000) / 1000,
		},
		Moments: []output.Moment{},
	}
	if st.Baseline != "" {
		// Its effects are in results.csv and outputs.csv.
		sum.Comparison = &output.Comparison{Baseline: st.Baseline, BaselineSHA256: st.BaselineSHA256, CommonRandomNumbers: true,
			Effects: []output.EffectFigure{}}
	}
	return sum
}

// sweepJob is the output.Job of a sweep's directory.
func sweepJob(st *sweepState, file string) output.Job {
	j := output.Job{Scenario: st.Scenario, File: file, ResolvedSHA256: st.ResolvedSHA256, Seed: st.Seed, Agents: st.Agents,
		Engine: st.Engine, Runs: st.Runs}
	if st.Baseline != "" {
		j.Baseline, j.BaselineSHA256, j.CommonRandomNumbers = st.Baseline, st.BaselineSHA256, true
	}
	return j
}

// hexSHA256 returns the hex SHA-256 of b.
func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
