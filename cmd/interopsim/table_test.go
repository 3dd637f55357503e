package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/output"
)

// sameStats reports the first row where a and b differ, or "".
func sameStats(a, b *output.StatTable) string {
	if a.Runs != b.Runs || len(a.Rows) != len(b.Rows) {
		return "runs or rows differ"
	}
	same := func(x, y float64) bool { return x == y || x != x && y != y }
	for i := range a.Rows {
		x, y := a.Rows[i], b.Rows[i]
		if x.Step != y.Step || !x.Date.Equal(y.Date) || x.Region != y.Region || x.Metric != y.Metric || x.Entity != y.Entity || x.Runs != y.Runs ||
			!same(x.Mean, y.Mean) || !same(x.SD, y.SD) || !same(x.P05, y.P05) || !same(x.P50, y.P50) || !same(x.P95, y.P95) {
			return "row " + x.Region + " " + x.Metric + " " + x.Entity
		}
	}
	return ""
}

// TestTableParquet checks --table parquet: metrics.parquet (and
// runs.parquet with --keep-runs) instead of the CSV files, the same
// bytes for the same seed whatever the workers, the same values as the
// CSV files, a summary.md that links to it, and summary.json recording
// it.
func TestTableParquet(t *testing.T) {
	csvDir := runTiny(t, "--runs", "3", "--keep-runs", "-q")
	one := runTiny(t, "--runs", "3", "--keep-runs", "-q", "--table", "parquet", "--workers", "1")
	two := runTiny(t, "--runs", "3", "--keep-runs", "-q", "--table", "PARQUET", "--workers", "2")
	for _, name := range []string{"metrics.parquet", "runs.parquet"} {
		if !bytes.Equal(readFile(t, filepath.Join(one, name)), readFile(t, filepath.Join(two, name))) {
			t.Errorf("%s differs between --workers 1 and --workers 2", name)
		}
	}
	for _, name := range []string{output.MetricsFile, output.RunsFile} {
		if _, err := os.Stat(filepath.Join(one, name)); err == nil {
			t.Errorf("--table parquet wrote %s too", name)
		}
	}
	csvTable, err := readTable(context.Background(), filepath.Join(csvDir, output.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	pqTable, err := readTable(context.Background(), tablePath(one, output.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameStats(csvTable, pqTable); d != "" {
		t.Errorf("metrics.parquet and metrics.csv differ: %s", d)
	}
	if md := string(readFile(t, filepath.Join(one, output.ReportFile))); !strings.Contains(md, "[metrics.parquet](metrics.parquet)") {
		t.Errorf("summary.md does not link to metrics.parquet")
	}
	var names []string
	for _, f := range readSummary(t, one).Files {
		names = append(names, f.Name)
	}
	for _, want := range []string{"metrics.parquet", "runs.parquet"} {
		if !slices.Contains(names, want) {
			t.Errorf("summary.json records %v, not %s", names, want)
		}
	}
	// The summaries' figures are the same.
	a, b := readSummary(t, csvDir), readSummary(t, one)
	if len(a.Moments) != len(b.Moments) || len(a.Moments[1].Figures) != len(b.Moments[1].Figures) || a.Moments[1].Figures[0] != b.Moments[1].Figures[0] {
		t.Errorf("the summaries' figures differ between --table csv and parquet")
	}
	// Run again as CSV into the same directory: the Parquet files, its
	// own and unchanged, go.
	code, _, stderr := cli(t, "run", tiny, "--out", one, "--no-plots", "--runs", "3", "--keep-runs", "-q", "--table", "csv")
	if code != exitOK {
		t.Fatalf("run --table csv into the Parquet run's directory: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(one, "metrics.parquet")); err == nil {
		t.Error("metrics.parquet left behind by a CSV run of the same job")
	}
	if !bytes.Equal(readFile(t, filepath.Join(one, output.MetricsFile)), readFile(t, filepath.Join(csvDir, output.MetricsFile))) {
		t.Error("metrics.csv differs from the CSV run's")
	}
}

// TestPlotParquet checks that plot redraws, from metrics.parquet, the
// figures run drew, byte for byte, and from a comparison's Parquet
// tables the comparison's.
func TestPlotParquet(t *testing.T) {
	for _, args := range [][]string{
		{"run", tiny, "--runs", "2"},
		{"compare", tiny, "--runs", "2", "--at", "2w"},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			code, _, stderr := cli(t, append(args, "--out", dir, "-q", "--table", "parquet")...)
			if code != exitOK {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			for _, name := range []string{output.MetricsFile, output.BaselineFile, output.EffectsFile} {
				if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
					t.Errorf("--table parquet wrote %s", name)
				}
			}
			again := filepath.Join(t.TempDir(), "plots")
			code, _, stderr = cli(t, "plot", dir, "--out", again, "-q")
			if code != exitOK {
				t.Fatalf("plot: exit %d: %s", code, stderr)
			}
			drawn, err := filepath.Glob(filepath.Join(dir, output.PlotsDir, "*.png"))
			if err != nil || len(drawn) == 0 {
				t.Fatalf("no figures drawn: %v", err)
			}
			if args[0] == "compare" && len(drawn) < 8 {
				t.Errorf("compare drew %d figures, want the effect figures too", len(drawn))
			}
			for _, f := range drawn {
				if !bytes.Equal(readFile(t, f), readFile(t, filepath.Join(again, filepath.Base(f)))) {
					t.Errorf("plot redrew %s otherwise from the Parquet table", filepath.Base(f))
				}
			}
		})
	}
}

// TestTableFlag checks what --table accepts.
func TestTableFlag(t *testing.T) {
	var f tableFlag
	for _, ok := range []string{"csv", "parquet", "Parquet", "metrics.parquet", "out/x.CSV"} {
		if err := f.Set(ok); err != nil {
			t.Errorf("--table %s: %v", ok, err)
		}
	}
	if f.Set("parquet"); f.String() != "parquet" {
		t.Errorf("got %s, want parquet", f.String())
	}
	for _, bad := range []string{"json", "x.arrow", ""} {
		if err := f.Set(bad); err == nil || !strings.Contains(err.Error(), "valid: csv, parquet") {
			t.Errorf("--table %q: got %v, want the valid formats", bad, err)
		}
	}
	code, _, stderr := cli(t, "run", tiny, "--runs", "2", "--shard", "1/2", "--table", "parquet", "--out", filepath.Join(t.TempDir(), "s"))
	if code == exitOK || !strings.Contains(stderr, "--table parquet: a shard writes its replicates as replicates.csv") {
		t.Errorf("--shard with --table parquet: exit %d, %q; want refused", code, stderr)
	}
}
