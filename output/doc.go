// Package output turns what a simulation measured into files and reads
// them back: the tidy table metrics.csv of the statistics over replicates
// (one layout for a single run, an ensemble and a comparison's effects),
// every replicate in runs.csv, the headline figures and provenance of
// summary.json, the human summary summary.md, and the directory they live
// in. docs/metrics.md is the data dictionary of these files; SchemaVersion
// numbers their layout.
//
// Data flows one way, and is never copied into a table of rows on the
// way: sim.Result → Runs (the replicates' values, 8 bytes per value and
// replicate, read from each result's measures; their keys are a Layout
// computed from the row index) → every file and figure. Runs is a
// Statistics: WriteStatCSV writes metrics.csv from it row by row,
// computing each row's statistics as it goes, with a CSV appender into
// one reused buffer; NewSummary, EffectsAt and the report look their
// headline figures up in it by key; StatTable builds, for the figures
// only, a table of the rows they draw.
//
// The main entry points are:
//
//   - Runs.AddResult (or TakeResult, which lets the result's tallies go
//     as it reads them) adds a replicate's values; WriteRunsCSV writes
//     every replicate as runs.csv. FromResult builds the Table of rows of
//     a sim.Result, for tests and small tables; WriteCSV and ReadCSV
//     write and read such tables in the layout of runs.csv.
//   - NewSummary builds a Summary (provenance and headline figures with
//     their statistics) from a Statistics and the scenario's sim.Config;
//     WriteSummary and ReadSummary write and read it as summary.json. Its
//     Uncertainty says what the intervals include (sampling noise,
//     parameter draws or both; Uncertainty.Label in words), and
//     ParameterShares splits a comparison's effects' variance between
//     the parameter sets and sampling noise.
//   - WriteFile and WriteFiles write one file or a set of files atomically:
//     a reader sees the old files or the new ones, never a half-written file.
//   - PrepareDir prepares an output directory for a Job: it tells the
//     files interopsim wrote there (recorded, with size and SHA-256, in
//     summary.json's files) from the user's, refuses to replace the
//     user's or, without force, another job's results, and returns a Dir
//     whose WriteJob writes the new set and removes only the earlier
//     job's own unchanged files. PrepareFigureDir and WriteFigures do the
//     same for the figures of 'interopsim plot'. A Dir is locked (LockDir,
//     flock) until Close, and its writes are one commit through a commit
//     record (JournalFile) that the next LockDir rolls forward after a
//     crash: the directory holds all of one set or all of the previous
//     one (docs/reliability.md).
//   - Runs collects the replicates of a run compactly (one or more); as a
//     Statistics it gives the number, mean, sd and 5th, 50th and 95th
//     percentiles of every value, row by row (Stat) or by key (Lookup);
//     Difference gives the paired differences of two ensembles (the
//     effects of a comparison). WriteStatCSV writes any Statistics as
//     metrics.csv and ReadStats reads it back as a StatTable (and files
//     in the layout of runs.csv, summarised). Every table writer takes a
//     context and stops with ErrCanceled soon after it ends.
//   - PlanEffects says at which steps the effects of a comparison are
//     reported: each horizon (ParseHorizons: 14d, 13w, 6m, 2y, calendar
//     months) after each acceptance event (EffectEvents), counted from
//     that event's own date; EffectsAt picks each event's headline
//     effects (EventKeys) there; WriteEffectsCSV writes them.
//   - WriteMarkdown and WriteText write the human summary of a run or a
//     comparison, as summary.md and for the terminal, from its Summary.
//
// metrics.csv is byte-identical for the same scenario and seed: values are
// written with ValueDigits significant digits and rows keep the order of
// the Table. summary.json differs between runs of the same command only
// in created and wall_seconds.
//
// A typical use, after sim.Run:
//
//	var rs output.Runs
//	if err := rs.AddResult(res); err != nil {
//		return err
//	}
//	s, err := output.NewSummary(&rs, res.Config, output.RunInfo{
//		File: "flagship.yaml", Source: src, Resolved: resolved, Seed: res.Seed,
//		Engine: res.Engine, Command: os.Args[1:], Created: time.Now(), Wall: elapsed,
//	})
//	if err != nil {
//		return err
//	}
//	err = output.WriteFiles(dir, []output.File{
//		{Name: output.MetricsFile, Write: func(w io.Writer) error { return output.WriteStatCSV(ctx, w, &rs) }},
//		{Name: output.SummaryFile, Write: func(w io.Writer) error { return output.WriteSummary(w, s) }},
//	})
package output
