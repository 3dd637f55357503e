package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/design"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
)

var mergeCommand = &command{
	name:  "merge",
	args:  "DIR...",
	short: "put the shards of a sweep, a run or a comparison together",
	long: `Put together the directories of the shards of one sweep (sweep
--shard I/N), each complete, and write what a single sweep would have
written: the same scenario.yaml, points.csv, results.csv, outputs.csv,
sweep.json and figures, byte for byte (summary.json differs only in its
provenance: command, time and wall time). The shards of run --runs N
--shard I/K or compare --runs N --shard I/K are merged likewise into the
files of the single run or comparison (summary.json and summary.md
differ in their provenance).

The shards must fit: the same scenario and design (the SHA-256 of the
resolved scenario with its sweep: section, and of the baseline), the
same number of shards N, each of 1..N exactly once, each complete. A
missing, duplicated, unfinished or foreign shard is refused, naming it,
and nothing is written.`,
	example: `interopsim merge sweeps/part-1 sweeps/part-2 sweeps/part-3 --out sweeps/all
interopsim merge sweeps/part-* --out sweeps/all --no-plots`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts MergeOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runMerge(ctx, opts, args, stdout, stderr)
		}
	},
}

// MergeOptions are the flags of the merge command.
type MergeOptions struct {
	Out     string
	Force   bool
	Quiet   bool
	NoPlots bool
	NoTitle bool
	Formats formatsFlag
	Workers workersFlag
}

// AddFlags adds the merge command's flags to fs.
func (o *MergeOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "", "write the merged sweep into `DIR` (default out/<scenario>-sweep-<design>, where a single sweep writes)")
	addSwitch(fs, &o.Force, "force", "", "replace the results of another job in the output directory (files interopsim did not write are never replaced)")
	addSwitch(fs, &o.Quiet, "quiet", "q", "print nothing but errors")
	addSwitch(fs, &o.NoPlots, "no-plots", "", "write no figures")
	addSwitch(fs, &o.NoTitle, "no-title", "", "draw the figures without titles and subtitles")
	fs.Var(&o.Formats, "format", "write the figures as `FORMATS`: png, svg or pdf, several separated by commas")
	fs.Var(&o.Workers, "workers", "draw figures with `N` threads; 0 uses every core")
}

// shardDir is one shard read for merging.
type shardDir struct {
	dir      string
	st       *sweepState
	rows     []sweepRow
	resolved []byte
	base     []byte
}

// readShard reads the sweep shard in dir.
func readShard(dir string) (*shardDir, error) {
	st, rows, err := readSweepDir(dir)
	if err != nil {
		return nil, fmt.Errorf("shard %s: %w", dir, err)
	}
	sd := &shardDir{dir: dir, st: st, rows: rows}
	if sd.resolved, err = os.ReadFile(filepath.Join(dir, output.ScenarioFile)); err != nil {
		return nil, fmt.Errorf("shard %s: %w", dir, err)
	}
	if got := output.ResolvedSHA256(sd.resolved); got != st.ResolvedSHA256 {
		return nil, fmt.Errorf("shard %s: scenario.yaml has SHA-256 %.12s, but sweep.json records %.12s: it changed since the sweep", dir, got, st.ResolvedSHA256)
	}
	if st.Baseline != "" {
		if sd.base, err = os.ReadFile(filepath.Join(dir, output.BaselineScenarioFile)); err != nil {
			return nil, fmt.Errorf("shard %s: %w", dir, err)
		}
	}
	return sd, nil
}

// runMerge runs the merge command.
func runMerge(ctx context.Context, opts MergeOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("merge", "want the directories of the shards")
	}
	start := time.Now()
	if _, err := os.Stat(filepath.Join(args[0], shardFile)); err == nil {
		return mergeReplicates(ctx, opts, args, stdout)
	}
	res, err := mergeShards(args)
	if err != nil {
		return err
	}
	st := &res.state
	dir := opts.Out
	if dir == "" {
		dir = defaultOut(st.Scenario + "-sweep-" + st.Design)
	}
	for _, a := range args {
		if filepath.Clean(a) == filepath.Clean(dir) {
			return usagef("merge", "--out %s is one of the shards: choose another directory", dir)
		}
	}
	mayWrite := []string{output.SummaryFile, output.ScenarioFile, output.BaselineScenarioFile, sweepFile, pointsFile, resultsFile, outputsFile}
	for _, f := range sweepFigureNames {
		for _, format := range opts.Formats.list() {
			mayWrite = append(mayWrite, output.PlotsDir+"/"+f+"."+format)
		}
	}
	out, err := prepareOut(dir, sweepJob(st, res.sc.File), mayWrite, opts.Force)
	if err != nil {
		return err
	}
	defer out.Close()
	files, err := res.files(ctx, !opts.NoPlots, figureOptions(opts.Formats.list(), opts.NoTitle, st.Seed), opts.Workers.n)
	if err != nil {
		out.Abandon()
		return err
	}
	if err := out.WriteJob(ctx, files, sweepSummary(res, commandLine(ctx), time.Since(start))); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if !opts.Quiet {
		fmt.Fprintf(stdout, "merged %d shards of the %s sweep of %s (%d points × %d replicates) into %s\n",
			len(args), st.Design, st.Scenario, st.Points, st.Runs, out.Path)
	}
	return nil
}

// mergeShards reads and checks the shards in dirs and returns the result
// of the whole sweep.
func mergeShards(dirs []string) (*sweepResult, error) {
	var shards []*shardDir
	for _, d := range dirs {
		sd, err := readShard(d)
		if err != nil {
			return nil, err
		}
		shards = append(shards, sd)
	}
	first := shards[0]
	if first.st.Shard == nil {
		return nil, fmt.Errorf("%s is a whole sweep, not a shard (sweep --shard I/N): there is nothing to merge", first.dir)
	}
	n := first.st.Shard.Count
	seen := make(map[int]string, n)
	for _, sd := range shards {
		switch {
		case sd.st.Shard == nil:
			return nil, fmt.Errorf("%s is a whole sweep, not a shard: merge only the directories of sweep --shard I/%d", sd.dir, n)
		case !sd.st.sweepIdentity.same(&first.st.sweepIdentity):
			return nil, fmt.Errorf("shard %s is of another sweep than %s: %s", sd.dir, first.dir, identityDiff(&first.st.sweepIdentity, &sd.st.sweepIdentity))
		case sd.st.Shard.Count != n:
			return nil, fmt.Errorf("shard %s is shard %s, but %s is of %d shards", sd.dir, sd.st.Shard, first.dir, n)
		case !sd.st.Complete:
			return nil, fmt.Errorf("shard %s (%s) is not finished: %d of its points are done; run its sweep command again to finish it", sd.dir, sd.st.Shard, len(sd.st.Done))
		}
		if prev, dup := seen[sd.st.Shard.Index]; dup {
			return nil, fmt.Errorf("shard %s is given twice: %s and %s", sd.st.Shard, prev, sd.dir)
		}
		seen[sd.st.Shard.Index] = sd.dir
	}
	var missing []string
	for i := 1; i <= n; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing shard %s of the %d: run sweep --shard %s and give its directory", strings.Join(missing, ", "), n, missing[0])
	}
	// Every point of the design from exactly the shard that holds it.
	byPoint := make(map[int][]sweepRow)
	for _, sd := range shards {
		for _, r := range sd.rows {
			if !sd.st.Shard.holds(r.Point) {
				return nil, fmt.Errorf("shard %s (%s) holds point %d, which belongs to shard %d/%d", sd.dir, sd.st.Shard, r.Point, r.Point%n+1, n)
			}
			byPoint[r.Point] = append(byPoint[r.Point], r)
		}
	}
	var rows []sweepRow
	done := []int{}
	for p := range first.st.Points {
		rs, ok := byPoint[p]
		if !ok {
			return nil, fmt.Errorf("point %d is in no shard (shard %d/%d, %s, lacks it)", p, p%n+1, n, seen[p%n+1])
		}
		rows = append(rows, rs...)
		done = append(done, p)
	}
	sc, err := scenarios.Parse(first.resolved, filepath.Join(first.dir, output.ScenarioFile))
	if err != nil || sc.Sweep == nil {
		return nil, fmt.Errorf("shard %s: its scenario.yaml has no sweep: section: %v", first.dir, err)
	}
	plan, err := design.New(sc.Sweep.Plan(sc.Seed))
	if err != nil || plan.Len() != first.st.Points {
		return nil, fmt.Errorf("shard %s: its design does not give its %d points: %v", first.dir, first.st.Points, err)
	}
	st := *first.st
	st.Shard, st.Complete, st.Done = nil, true, done
	return &sweepResult{state: st, resolved: first.resolved, baseResolved: first.base, plan: plan, rows: rows, sc: sc}, nil
}

// identityDiff says in which fields two sweeps differ.
func identityDiff(a, b *sweepIdentity) string {
	var d []string
	add := func(what, x, y string) {
		if x != y {
			d = append(d, fmt.Sprintf("%s %s, not %s", what, y, x))
		}
	}
	add("scenario", a.Scenario, b.Scenario)
	add("resolved scenario SHA-256", short(a.ResolvedSHA256), short(b.ResolvedSHA256))
	add("baseline SHA-256", short(a.BaselineSHA256), short(b.BaselineSHA256))
	add("design", a.Design, b.Design)
	add("parameters", strings.Join(a.Parameters, ","), strings.Join(b.Parameters, ","))
	add("points", fmt.Sprint(a.Points), fmt.Sprint(b.Points))
	add("runs", fmt.Sprint(a.Runs), fmt.Sprint(b.Runs))
	add("seed", fmt.Sprint(a.Seed), fmt.Sprint(b.Seed))
	add("agents", fmt.Sprint(a.Agents), fmt.Sprint(b.Agents))
	add("engine", a.Engine, b.Engine)
	add("horizons", a.At, b.At)
	if len(d) == 0 {
		return "they differ"
	}
	return strings.Join(slices.Compact(d), "; ")
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
