package output

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
)

// runsTable returns a table of the given runs, each holding one value per
// entry of vals[run]: step 0, region all, metric adoption, entities a, b...
func runsTable(vals [][]float64) *Table {
	t := &Table{}
	for run, vs := range vals {
		for i, v := range vs {
			t.Rows = append(t.Rows, Row{Run: run, Date: date("2024-01-01"), Region: AllRegions,
				Metric: "adoption", Entity: string(rune('a' + i)), Value: v})
		}
	}
	return t
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 || (math.IsNaN(a) && math.IsNaN(b)) }

func TestSummarize(t *testing.T) {
	nan := math.NaN()
	// Entity a: 1..5 (mean 3, sd sqrt(2.5)); b: one NaN left out; c: all NaN.
	tab := runsTable([][]float64{{1, 2, nan}, {2, nan, nan}, {3, 4, nan}, {4, 6, nan}, {5, 8, nan}})
	st, err := Summarize(tab)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != 5 || len(st.Rows) != 3 {
		t.Fatalf("got %d runs, %d rows; want 5, 3", st.Runs, len(st.Rows))
	}
	// LinInterp percentiles of 1..5 (R type 4): the p-quantile is the
	// value at rank n*p, interpolated; below rank 1, the minimum.
	a := st.Rows[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", a.Mean, 3}, {"sd", a.SD, math.Sqrt(2.5)},
		{"p05", a.P05, 1}, {"p50", a.P50, 2.5}, {"p95", a.P95, 4.75},
	} {
		if !near(c.got, c.want) {
			t.Errorf("a %s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if b := st.Rows[1]; b.Runs != 4 || !near(b.Mean, 5) {
		t.Errorf("b: got %d runs, mean %v; want 4, 5 (the NaN left out)", b.Runs, b.Mean)
	}
	if c := st.Rows[2]; c.Runs != 0 || !math.IsNaN(c.Mean) || !math.IsNaN(c.P95) {
		t.Errorf("c: got %+v, want no runs and NaN statistics", c)
	}
}

func TestSummarizeSingleRun(t *testing.T) {
	st, err := Summarize(runsTable([][]float64{{0.25}}))
	if err != nil {
		t.Fatal(err)
	}
	r := st.Rows[0]
	if r.Runs != 1 || r.Mean != 0.25 || r.P05 != 0.25 || r.P95 != 0.25 || !math.IsNaN(r.SD) {
		t.Errorf("got %+v, want mean and percentiles 0.25, sd NaN", r)
	}
}

func TestSummarizeMismatch(t *testing.T) {
	tab := runsTable([][]float64{{1, 2}, {3}})
	if _, err := Summarize(tab); err == nil || !strings.Contains(err.Error(), "same values") {
		t.Errorf("got %v, want an error about runs holding different values", err)
	}
}

func TestRunsDifference(t *testing.T) {
	var a, b Runs
	for _, vals := range [][2][]float64{{{1, 2}, {0.5, 2}}, {{3, 4}, {1, 5}}} {
		if err := a.Add(runsTable([][]float64{vals[0]})); err != nil {
			t.Fatal(err)
		}
		if err := b.Add(runsTable([][]float64{vals[1]})); err != nil {
			t.Fatal(err)
		}
	}
	d, err := a.Difference(&b)
	if err != nil {
		t.Fatal(err)
	}
	tab := d.Table()
	want := []float64{0.5, 0, 2, -1}
	for i, r := range tab.Rows {
		if r.Value != want[i] || r.Run != i/2 || r.Entity != string(rune('a'+i%2)) {
			t.Errorf("row %d: got %+v, want run %d value %v", i, r, i/2, want[i])
		}
	}
	var c Runs
	if err := c.Add(runsTable([][]float64{{1, 2, 3}})); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Difference(&c); err == nil {
		t.Error("got no error for runs of different rows")
	}
	if err := c.Add(runsTable([][]float64{{1, 2}})); err == nil {
		t.Error("Add took a run with different rows")
	}
}

func TestStatCSVRoundTrip(t *testing.T) {
	st, err := Summarize(runsTable([][]float64{{1, 2, math.NaN()}, {2, 3, math.NaN()}, {4, 4, math.NaN()}}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteStatCSV(context.Background(), &buf, st); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := strings.Cut(buf.String(), "\n"); h != strings.Join(StatColumns, ",") {
		t.Fatalf("header %q", h)
	}
	got, err := ReadStats(bytes.NewReader(buf.Bytes()), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(st.Rows) || got.Runs != 3 {
		t.Fatalf("read %d rows, %d runs; want %d, 3", len(got.Rows), got.Runs, len(st.Rows))
	}
	for i := range st.Rows {
		w, g := st.Rows[i], got.Rows[i]
		for _, p := range [][2]float64{{w.Mean, g.Mean}, {w.SD, g.SD}, {w.P05, g.P05}, {w.P50, g.P50}, {w.P95, g.P95}} {
			if !near(Round(p[0]), p[1]) {
				t.Errorf("row %d: wrote %v, read %v", i, p[0], p[1])
			}
		}
	}
}

// TestSingleRunStatCSV checks the layout of a single run's metrics.csv:
// runs 1 (0 for an undefined value), the value as mean and percentiles,
// sd empty; and that ReadStats reads it back as such.
func TestSingleRunStatCSV(t *testing.T) {
	var rs Runs
	if err := rs.Add(runsTable([][]float64{{0.5, math.NaN()}})); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteStatCSV(context.Background(), &buf, &rs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], ",1,0.5,,0.5,0.5,0.5") || !strings.HasSuffix(lines[2], ",0,,,,,") {
		t.Fatalf("got\n%s\nwant rows ending ,1,0.5,,0.5,0.5,0.5 and ,0,,,,,", buf.String())
	}
	st, err := ReadStats(&buf, "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r := st.Rows[0]; st.Runs != 1 || r.Runs != 1 || r.Mean != 0.5 || !math.IsNaN(r.SD) || r.P05 != 0.5 || r.P95 != 0.5 {
		t.Errorf("read back %d runs, %+v", st.Runs, r)
	}
}

func TestReadStatsSingleRunLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(context.Background(), &buf, runsTable([][]float64{{0.5, 0.25}, {0.7, 0.25}})); err != nil {
		t.Fatal(err)
	}
	st, err := ReadStats(&buf, "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != 2 || !near(st.Rows[0].Mean, 0.6) {
		t.Errorf("got %d runs, mean %v; want 2, 0.6", st.Runs, st.Rows[0].Mean)
	}
}

func TestReadStatsErrors(t *testing.T) {
	for _, tc := range []struct{ name, csv, want string }{
		{"missing column", "step,date,region,metric,entity,runs,mean,sd,p05,p50\n", "m.csv:1: header lacks column p95"},
		{"bad runs", "step,date,region,metric,entity,runs,mean,sd,p05,p50,p95\n0,2024-01-01,all,adoption,a,x,1,0,1,1,1\n", "m.csv:2: column runs: bad number"},
		{"bad mean", "step,date,region,metric,entity,runs,mean,sd,p05,p50,p95\n0,2024-01-01,all,adoption,a,2,high,0,1,1,1\n", "m.csv:2: column mean:"},
		{"short line", "step,date,region,metric,entity,runs,mean,sd,p05,p50,p95\n0,2024-01-01,all\n", "m.csv:2: has 3 fields, want at least 11"},
		{"empty", "", "m.csv: empty file, want a header line step,date,region,metric,entity,runs,mean,sd,p05,p50,p95"},
		{"neither layout", "step,date,region,metric,entity,average\n", "m.csv:1: header has neither a mean nor a value column: want the columns of metrics.csv (step,date,region,metric,entity,runs,mean,sd,p05,p50,p95) or of runs.csv (run,step,date,region,metric,entity,value), in any order"},
		{"runs layout without run", "step,date,region,metric,entity,value\n", "m.csv:1: header lacks column run (want run,step,date,region,metric,entity,value, in any order)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadStats(strings.NewReader(tc.csv), "m.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// FuzzReadStats checks that no input makes ReadStats panic, in either
// layout, and that a statistics table it reads is written and read back
// with the same rows.
func FuzzReadStats(f *testing.F) {
	f.Add("step,date,region,metric,entity,runs,mean,sd,p05,p50,p95\n0,2024-01-01,all,adoption,a,3,0.5,0.1,0.4,0.5,0.6\n")
	f.Add("p95,mean,step,date,region,metric,entity,runs,sd,p05,p50,x\n1,,0,2024-01-01,\"r,s\",m,\"a/b\",2,,0,1,\n")
	f.Add("run,step,date,region,metric,entity,value\n0,1,2024-01-01,all,adoption,alipay,0.5\n1,1,2024-01-01,all,adoption,alipay,0.7\n")
	f.Add("run,step,date,region,metric,entity,value\n0,1,2024-01-01,all,adoption,alipay,0.5\n1,2,2024-01-01,all,adoption,alipay,0.7\n")
	f.Add("mean\n\"")
	f.Fuzz(func(t *testing.T, in string) {
		st, err := ReadStats(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteStatCSV(context.Background(), &b, st); err != nil {
			t.Fatal(err)
		}
		again, err := ReadStats(&b, "again.csv")
		if err != nil {
			t.Fatalf("reading back what was written: %v", err)
		}
		if len(again.Rows) != len(st.Rows) {
			t.Fatalf("got %d rows back, want %d", len(again.Rows), len(st.Rows))
		}
	})
}
