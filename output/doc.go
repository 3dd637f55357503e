// Package output turns what a simulation measured into files and reads
// them back: the tidy table metrics.csv, the statistics of replicates and
// of a comparison's effects, the headline figures and provenance of
// summary.json, the human summary summary.md, and the directory they live
// in.
//
// The main entry points are:
//
//   - FromResult builds the Table of every measure of a sim.Result;
//     WriteCSV and ReadCSV write and read it as metrics.csv.
//   - NewSummary builds a Summary (provenance and headline figures) from a
//     Table and the scenario's sim.Config; WriteSummary and ReadSummary
//     write and read it as summary.json.
//   - WriteFile and WriteFiles write one file or a set of files atomically:
//     a reader sees the old files or the new ones, never a half-written file.
//   - PrepareDir creates an output directory, refusing to mix results with
//     another scenario's results or with files that are not results.
//   - Runs collects the replicates of an ensemble compactly; Stats gives
//     their StatTable (mean, sd, 5th, 50th and 95th percentiles of every
//     value), Difference the paired differences of two ensembles (the
//     effects of a comparison). WriteStatCSV and ReadStats write and read
//     a StatTable (ReadStats reads either layout of metrics.csv).
//   - PlanEffects says at which steps the effects of a comparison are
//     reported: each horizon (ParseHorizons: 14d, 13w, 6m, 2y, calendar
//     months) after each acceptance event (EffectEvents), counted from
//     that event's own date; EffectsAt picks each event's headline
//     effects (EventKeys) there; WriteEffectsCSV writes them.
//   - WriteMarkdown and WriteText write the human summary of a run or a
//     comparison, as summary.md and for the terminal.
//
// metrics.csv is byte-identical for the same scenario and seed: values are
// written with ValueDigits significant digits and rows keep the order of
// the Table. summary.json differs between runs only in wall_seconds.
//
// A typical use, after sim.Run:
//
//	t := output.FromResult(res)
//	s, err := output.NewSummary(t, res.Config, output.RunInfo{
//		File: "flagship.yaml", Source: src, Seed: res.Seed,
//		Engine: res.Engine, Wall: elapsed,
//	})
//	if err != nil {
//		return err
//	}
//	err = output.WriteFiles(dir, []output.File{
//		{Name: output.MetricsFile, Write: func(w io.Writer) error { return output.WriteCSV(w, t) }},
//		{Name: output.SummaryFile, Write: func(w io.Writer) error { return output.WriteSummary(w, s) }},
//	})
package output
