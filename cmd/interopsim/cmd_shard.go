package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// Files of a shard of run --runs or compare --runs.
const (
	shardFile            = "shard.json"
	replicatesFile       = "replicates.csv"
	baselineReplicatesFn = "baseline_replicates.csv"
)

// replicatesColumns are the columns of replicates.csv: every value of
// every replicate of the shard, at full precision (the shortest decimal
// that reads back as the same float64), so that the merge computes the
// statistics of a single run float for float.
var replicatesColumns = []string{"run", "step", "date", "region", "metric", "entity", "value"}

// replicateIdentity is what fixes the results of a run or comparison of
// which a shard holds some replicates.
type replicateIdentity struct {
	Kind           string `json:"kind"` // "run" or "compare"
	Scenario       string `json:"scenario"`
	ScenarioFile   string `json:"scenario_file"`
	ResolvedSHA256 string `json:"resolved_sha256"`
	Baseline       string `json:"baseline,omitempty"`
	BaselineFile   string `json:"baseline_file,omitempty"`
	BaselineSHA256 string `json:"baseline_sha256,omitempty"`
	Seed           uint64 `json:"seed"`
	Agents         int    `json:"agents"`
	Engine         string `json:"engine"`
	Runs           int    `json:"runs"`
	KeepRuns       bool   `json:"keep_runs"`
	// At, Event, BaselineArg and Independent are compare's --at,
	// --event, --baseline and --independent.
	At          string `json:"at,omitempty"`
	Event       string `json:"event,omitempty"`
	BaselineArg string `json:"baseline_arg,omitempty"`
	Independent bool   `json:"independent,omitempty"`
}

// replicateShard is shard.json.
type replicateShard struct {
	SchemaVersion int `json:"schema_version"`
	replicateIdentity
	Shard shardSpec `json:"shard"`
	// Replicates are the replicates the shard holds, in order.
	Replicates []int `json:"replicates"`
}

// writeReplicates writes the replicates rs, numbered runs, as
// replicates.csv, with every digit of each value; it stops with an error
// wrapping output.ErrCanceled soon after ctx ends.
func writeReplicates(ctx context.Context, w io.Writer, rs *output.Runs, runs []int) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(replicatesColumns); err != nil {
		return err
	}
	for k, vals := range rs.Values {
		run := strconv.Itoa(runs[k])
		for i := range rs.Len() {
			if i%output.CheckRows == 0 && ctx.Err() != nil {
				return fmt.Errorf("write %s: %w", replicatesFile, output.ErrCanceled)
			}
			key := rs.Key(i)
			v := ""
			if !math.IsNaN(vals[i]) {
				v = strconv.FormatFloat(vals[i], 'g', -1, 64)
			}
			if err := cw.Write([]string{run, strconv.Itoa(key.Step), key.Date.Format(output.DateLayout), key.Region, key.Metric, key.Entity, v}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// readReplicates reads replicates.csv into one Table per replicate, by
// replicate.
func readReplicates(data []byte, name string) (map[int]*output.Table, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = len(replicatesColumns)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil || fmt.Sprint(header) != fmt.Sprint(replicatesColumns) {
		return nil, fmt.Errorf("%s: line 1: want the columns %v", name, replicatesColumns)
	}
	tables := map[int]*output.Table{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return tables, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		run, err1 := strconv.Atoi(rec[0])
		step, err2 := strconv.Atoi(rec[1])
		date, err3 := time.Parse(output.DateLayout, rec[2])
		v := math.NaN()
		var err4 error
		if rec[6] != "" {
			v, err4 = strconv.ParseFloat(rec[6], 64)
		}
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		t, ok := tables[run]
		if !ok {
			t = &output.Table{}
			tables[run] = t
		}
		t.Rows = append(t.Rows, output.Row{Run: run, Step: step, Date: date, Region: rec[3], Metric: rec[4], Entity: rec[5], Value: v})
	}
}

// runShard runs the replicates of shard (of o.Runs) of sc and, for a
// comparison, of base, and writes them with shard.json into their own
// directory, for 'interopsim merge' to put together. cmp is compare's
// options, nil for run.
func runShard(ctx context.Context, cmd string, o *jobOptions, cmp *CompareOptions, sc, base *scenarios.Scenario, stdout, stderr io.Writer) error {
	shard, err := parseShard(cmd, o.Shard)
	if err != nil {
		return err
	}
	if o.ParamDraws > 0 {
		return usagef(cmd, "--shard and --param-draws cannot be used together: merge does not carry parameter draws; run the draws on one machine, or shard a sweep (docs/distributed.md)")
	}
	if o.Runs < shard.Count {
		return usagef(cmd, "--shard %s: %d replicates cannot be split into %d shards; give --runs N with N >= %d", shard, o.Runs, shard.Count, shard.Count)
	}
	cfg := &sc.Config
	engine := o.Engine.engine
	resolved, jobID, err := jobOf(sc, engine, o.Runs, nil)
	if err != nil {
		return err
	}
	id := replicateIdentity{Kind: cmd, Scenario: cfg.Name, ScenarioFile: sc.File, ResolvedSHA256: jobID.ResolvedSHA256,
		Seed: sc.Seed, Agents: cfg.Agents(), Engine: engine.String(), Runs: o.Runs, KeepRuns: o.KeepRuns}
	var baseResolved []byte
	if base != nil {
		var baseJob output.Job
		if baseResolved, baseJob, err = jobOf(base, engine, o.Runs, nil); err != nil {
			return err
		}
		id.Baseline, id.BaselineFile, id.BaselineSHA256 = base.Config.Name, base.File, baseJob.ResolvedSHA256
		id.At, id.Event, id.BaselineArg, id.Independent = cmp.At, cmp.Event, cmp.Baseline, cmp.Independent
		jobID.Baseline, jobID.BaselineSHA256, jobID.CommonRandomNumbers = base.Config.Name, baseJob.ResolvedSHA256, !cmp.Independent
	}
	st := replicateShard{SchemaVersion: sweepSchema, replicateIdentity: id, Shard: *shard, Replicates: []int{}}
	for r := range o.Runs {
		if shard.holds(r) {
			st.Replicates = append(st.Replicates, r)
		}
	}
	if err := checkMemory(cfg, engine, memoryJob{runs: len(st.Replicates), compare: base != nil}); err != nil {
		return err
	}
	dir := o.Out
	if dir == "" {
		dir = defaultOut(fmt.Sprintf("%s-runs%d-shard%dof%d", cfg.Name, o.Runs, shard.Index, shard.Count))
	}
	mayWrite := []string{output.SummaryFile, output.ScenarioFile, output.BaselineScenarioFile, shardFile, replicatesFile, baselineReplicatesFn}
	out, err := prepareOut(dir, jobID, mayWrite, o.Force)
	if err != nil {
		return err
	}
	defer out.Close()
	per := 1
	if base != nil {
		per = 2
	}
	prog := newProgress(stderr, isTerminal(stderr), o.Quiet, cfg.Name+" shard "+shard.String(), per*len(st.Replicates), cfg.Warmup+cfg.Steps, time.Now).withWarmup(cfg.Warmup)
	j := &job{ctx: ctx, engine: engine, workers: o.Workers.n, prog: prog}
	start := time.Now()
	var srs, brs output.Runs
	for k, r := range st.Replicates {
		err := j.add(&srs, sc, sc.Seed, r, 0, per*k)
		if err == nil && base != nil {
			bi := r
			if cmp.Independent {
				bi = o.Runs + r
			}
			err = j.add(&brs, base, sc.Seed, bi, 0, per*k+1)
		}
		if err != nil {
			prog.done()
			out.Abandon()
			if errors.Is(err, errCanceled) {
				return errors.New(interruptedMessage(j.done, per*len(st.Replicates), nothingKept))
			}
			return err
		}
	}
	prog.done()
	state, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	files := []output.File{
		{Name: output.ScenarioFile, Write: writeBytes(resolved)},
		{Name: shardFile, Write: writeBytes(append(state, '\n'))},
		{Name: replicatesFile, Write: func(w io.Writer) error { return writeReplicates(ctx, w, &srs, st.Replicates) }},
	}
	if base != nil {
		files = append(files,
			output.File{Name: output.BaselineScenarioFile, Write: writeBytes(baseResolved)},
			output.File{Name: baselineReplicatesFn, Write: func(w io.Writer) error { return writeReplicates(ctx, w, &brs, st.Replicates) }})
	}
	sum := &output.Summary{SchemaVersion: output.SchemaVersion, Moments: []output.Moment{}}
	sum.Provenance = output.Provenance{Scenario: cfg.Name, ScenarioFile: sc.File, ScenarioSHA256: hexSHA256(sc.Source), ResolvedSHA256: id.ResolvedSHA256,
		Seed: sc.Seed, Runs: o.Runs, Agents: cfg.Agents(), Steps: cfg.Steps, StepUnit: cfg.Step.String(), Start: cfg.Start.Format(output.DateLayout),
		End: cfg.End().Format(output.DateLayout), Engine: engine.String(), Version: output.ProgramVersion(), Command: commandLine(ctx),
		Created: time.Now().UTC().Truncate(time.Second).Format(time.RFC3339), WallSeconds: math.Round(time.Since(start).Seconds()*1000) / 1000}
	if base != nil {
		sum.Comparison = &output.Comparison{Baseline: id.Baseline, BaselineFile: base.File, BaselineSHA256: id.BaselineSHA256,
			CommonRandomNumbers: !cmp.Independent, Effects: []output.EffectFigure{}}
	}
	if err := out.WriteJob(ctx, files, sum); err != nil {
		if errors.Is(err, output.ErrCanceled) {
			return errors.New(interruptedMessage(j.done, per*len(st.Replicates), nothingKept))
		}
		return fmt.Errorf("write results: %w", err)
	}
	if !o.Quiet {
		fmt.Fprintf(stdout, "shard %s of %s: replicates %v of %d written to %s; put the shards together with interopsim merge\n",
			shard, cfg.Name, st.Replicates, o.Runs, out.Path)
	}
	return nil
}

// readReplicateShard reads a shard of run or compare in dir, checking
// its files against summary.json's record.
func readReplicateShard(dir string) (*replicateShard, map[string][]byte, error) {
	sumPath := filepath.Join(dir, output.SummaryFile)
	sb, err := os.ReadFile(sumPath)
	if err != nil {
		return nil, nil, fmt.Errorf("shard %s: %w", dir, err)
	}
	sum, err := output.ReadSummary(bytes.NewReader(sb), sumPath)
	if err != nil {
		return nil, nil, fmt.Errorf("shard %s: %w", dir, err)
	}
	files := map[string][]byte{}
	for _, f := range sum.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			return nil, nil, fmt.Errorf("shard %s: %w", dir, err)
		}
		if int64(len(b)) != f.Bytes || hexSHA256(b) != f.SHA256 {
			return nil, nil, fmt.Errorf("shard %s: %s changed since interopsim wrote it", dir, f.Name)
		}
		files[f.Name] = b
	}
	b, ok := files[shardFile]
	if !ok {
		return nil, nil, fmt.Errorf("%s is not a shard of run or compare (no %s)", dir, shardFile)
	}
	var st replicateShard
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, nil, fmt.Errorf("shard %s: %s: %w", dir, shardFile, err)
	}
	if output.ResolvedSHA256(files[output.ScenarioFile]) != st.ResolvedSHA256 {
		return nil, nil, fmt.Errorf("shard %s: scenario.yaml does not have the recorded SHA-256", dir)
	}
	return &st, files, nil
}

// mergeReplicates merges the shards of a run or comparison in dirs into
// the directory of opts, writing what run or compare would have written.
func mergeReplicates(ctx context.Context, opts MergeOptions, dirs []string, stdout io.Writer) error {
	type shard struct {
		dir   string
		st    *replicateShard
		files map[string][]byte
	}
	var shards []shard
	for _, d := range dirs {
		st, files, err := readReplicateShard(d)
		if err != nil {
			return err
		}
		shards = append(shards, shard{d, st, files})
	}
	first := shards[0]
	n := first.st.Shard.Count
	seen := map[int]string{}
	for _, s := range shards {
		a, _ := json.Marshal(first.st.replicateIdentity)
		b, _ := json.Marshal(s.st.replicateIdentity)
		switch {
		case !bytes.Equal(a, b):
			return fmt.Errorf("shard %s is of another %s than %s: %s and %s", s.dir, first.st.Kind, first.dir, b, a)
		case s.st.Shard.Count != n:
			return fmt.Errorf("shard %s is shard %s, but %s is of %d shards", s.dir, &s.st.Shard, first.dir, n)
		}
		if prev, dup := seen[s.st.Shard.Index]; dup {
			return fmt.Errorf("shard %s is given twice: %s and %s", &s.st.Shard, prev, s.dir)
		}
		seen[s.st.Shard.Index] = s.dir
	}
	for i := 1; i <= n; i++ {
		if _, ok := seen[i]; !ok {
			return fmt.Errorf("missing shard %d/%d of the %d: run it with --shard %d/%d and give its directory", i, n, n, i, n)
		}
	}
	id := first.st.replicateIdentity
	var srs, brs output.Runs
	sides := []struct {
		file string
		rs   *output.Runs
	}{{replicatesFile, &srs}}
	if id.Baseline != "" {
		sides = append(sides, struct {
			file string
			rs   *output.Runs
		}{baselineReplicatesFn, &brs})
	}
	for _, side := range sides {
		all := map[int]*output.Table{}
		for _, s := range shards {
			ts, err := readReplicates(s.files[side.file], filepath.Join(s.dir, side.file))
			if err != nil {
				return err
			}
			for r, t := range ts {
				if !s.st.Shard.holds(r) {
					return fmt.Errorf("shard %s (%s) holds replicate %d, which belongs to shard %d/%d", s.dir, &s.st.Shard, r, r%n+1, n)
				}
				all[r] = t
			}
		}
		for r := range id.Runs {
			t, ok := all[r]
			if !ok {
				return fmt.Errorf("replicate %d is in no shard (shard %d/%d, %s, lacks it)", r, r%n+1, n, seen[r%n+1])
			}
			if err := side.rs.Add(t); err != nil {
				return err
			}
		}
	}
	resolved := first.files[output.ScenarioFile]
	sc, err := scenarios.Parse(resolved, id.ScenarioFile)
	if err != nil {
		return fmt.Errorf("shard %s: %w", first.dir, err)
	}
	engine, err := sim.ParseEngine(id.Engine)
	if err != nil {
		return fmt.Errorf("shard %s: %w", first.dir, err)
	}
	o := jobOptions{Out: opts.Out, Force: opts.Force, Quiet: opts.Quiet, Formats: opts.Formats, NoPlots: opts.NoPlots, NoTitle: opts.NoTitle,
		Runs: id.Runs, KeepRuns: id.KeepRuns, Workers: opts.Workers}
	if id.Kind == "run" {
		resolvedOut, jobID, err := jobOf(sc, engine, id.Runs, nil)
		if err != nil {
			return err
		}
		dir := o.Out
		if dir == "" {
			dir = defaultOut(fmt.Sprintf("%s-runs%d", sc.Config.Name, id.Runs))
		}
		out, err := prepareOut(dir, jobID, o.mayWrite(false, sc), o.Force)
		if err != nil {
			return err
		}
		defer out.Close()
		files, summary, err := resultFiles(ctx, sc, resolvedOut, &srs, o.KeepRuns, o.Table.String(), runInfo(ctx, sc, engine, 0, nil))
		if err != nil {
			out.Abandon()
			return err
		}
		if !o.NoPlots {
			figs, err := figureFiles(ctx, figureStats(&srs), &sc.Config, figureOptions(o.Formats.list(), o.NoTitle, sc.Seed), o.Workers.n)
			if err != nil {
				out.Abandon()
				return err
			}
			files = append(files, figs...)
		}
		rep := output.ReportInput{Config: &sc.Config, Scenario: sc.Config.Name, Description: sc.Description, Summary: summary, Figures: embedded(files)}
		files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error { return output.WriteMarkdown(w, rep) }})
		if err := out.WriteJob(ctx, files, summary); err != nil {
			return fmt.Errorf("write results: %w", err)
		}
		if !o.Quiet {
			fmt.Fprintf(stdout, "merged %d shards of %d replicates of %s into %s\n", n, id.Runs, sc.Config.Name, out.Path)
		}
		return nil
	}
	base, err := scenarios.Parse(first.files[output.BaselineScenarioFile], id.BaselineFile)
	if err != nil {
		return fmt.Errorf("shard %s: baseline: %w", first.dir, err)
	}
	cmp := CompareOptions{jobOptions: o, Baseline: id.BaselineArg, At: id.At, Event: id.Event, Independent: id.Independent}
	horizons, err := output.ParseHorizons(id.At)
	if err != nil {
		return err
	}
	var events []int
	if id.Event != "" {
		ev, err := selectEvent(&sc.Config, id.Event)
		if err != nil {
			return err
		}
		events = []int{ev}
	}
	plan, err := output.PlanEffects(&sc.Config, events, horizons)
	if err != nil {
		return err
	}
	resolvedOut, jobID, err := jobOf(sc, engine, id.Runs, nil)
	if err != nil {
		return err
	}
	baseResolved, baseJob, err := jobOf(base, engine, id.Runs, nil)
	if err != nil {
		return err
	}
	jobID.Baseline, jobID.BaselineSHA256, jobID.CommonRandomNumbers = base.Config.Name, baseJob.ResolvedSHA256, !id.Independent
	dir := o.Out
	if dir == "" {
		dir = defaultOut(fmt.Sprintf("%s-vs-%s-runs%d", sc.Config.Name, base.Config.Name, id.Runs))
	}
	out, err := prepareOut(dir, jobID, o.mayWrite(true, sc), o.Force)
	if err != nil {
		return err
	}
	defer out.Close()
	diff, err := srs.Difference(&brs)
	if err != nil {
		out.Abandon()
		return err
	}
	rows, err := output.EffectsAt(&srs, &brs, diff, &sc.Config, plan)
	if err != nil {
		out.Abandon()
		return fmt.Errorf("effects table: %w", err)
	}
	files, summary, rep, err := compareFiles(ctx, sc, base, resolvedOut, baseResolved, &srs, &brs, diff, rows, plan.Notes, cmp, runInfo(ctx, sc, engine, 0, nil))
	if err != nil {
		out.Abandon()
		return err
	}
	if !o.NoPlots {
		figs, err := compareFigures(ctx, figureStats(&srs), figureStats(&brs), figureStats(diff), &sc.Config, base.Config.Name, figureOptions(o.Formats.list(), o.NoTitle, sc.Seed), o.Workers.n)
		if err != nil {
			out.Abandon()
			return err
		}
		files = append(files, figs...)
	}
	rep.Figures = embedded(files)
	files = append(files, output.File{Name: output.ReportFile, Write: func(w io.Writer) error { return output.WriteMarkdown(w, rep) }})
	if err := out.WriteJob(ctx, files, summary); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if !o.Quiet {
		fmt.Fprintf(stdout, "merged %d shards of %d paired replicates of %s and %s into %s\n", n, id.Runs, sc.Config.Name, base.Config.Name, out.Path)
	}
	return nil
}
