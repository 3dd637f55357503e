package output

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// TestStatParquetRoundTrip checks that metrics.parquet, read back with
// the library, holds what metrics.csv holds, row by row: the same keys,
// runs and statistics (NULL where the CSV field is empty), for a single
// run and an ensemble, and that ReadStatsParquet reads the same table
// as ReadStats.
func TestStatParquetRoundTrip(t *testing.T) {
	var one Runs
	if err := one.AddResult(smallResult()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		st   Statistics
	}{{"single run", &one}, {"ensemble", threeRuns(t)}} {
		t.Run(tc.name, func(t *testing.T) {
			var pq, csv bytes.Buffer
			if err := WriteStatParquet(context.Background(), &pq, tc.st); err != nil {
				t.Fatal(err)
			}
			if err := WriteStatCSV(context.Background(), &csv, tc.st); err != nil {
				t.Fatal(err)
			}
			want, err := ReadStats(&csv, "metrics.csv")
			if err != nil {
				t.Fatal(err)
			}
			// With the library alone.
			recs, err := parquet.Read[statRecord](bytes.NewReader(pq.Bytes()), int64(pq.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(want.Rows) {
				t.Fatalf("%d rows, want %d", len(recs), len(want.Rows))
			}
			for i, r := range recs {
				w := want.Rows[i]
				if int(r.Step) != w.Step || !dayDate(r.Date).Equal(w.Date) || r.Region != w.Region || r.Metric != w.Metric || r.Entity != w.Entity || int(r.Runs) != w.Runs {
					t.Fatalf("row %d: got %+v, want %+v", i, r, w)
				}
				for k, p := range []*float64{r.Mean, r.SD, r.P05, r.P50, r.P95} {
					wv := []float64{w.Mean, w.SD, w.P05, w.P50, w.P95}[k]
					if (p == nil) != (FormatValue(wv) == "") || p != nil && *p != wv {
						t.Fatalf("row %d, %s: got %v, want %v (as metrics.csv)", i, StatColumns[6+k], p, wv)
					}
				}
			}
			got, err := ReadStatsParquet(bytes.NewReader(pq.Bytes()), int64(pq.Len()), "metrics.parquet")
			if err != nil {
				t.Fatal(err)
			}
			if got.Runs != want.Runs || len(got.Rows) != len(want.Rows) {
				t.Fatalf("ReadStatsParquet: %d runs, %d rows; want %d, %d", got.Runs, len(got.Rows), want.Runs, len(want.Rows))
			}
			for i := range got.Rows {
				g, w := got.Rows[i], want.Rows[i]
				if g.Step != w.Step || !g.Date.Equal(w.Date) || keyOf(g) != keyOf(w) || g.Runs != w.Runs ||
					!sameValue(g.Mean, w.Mean) || !sameValue(g.SD, w.SD) || !sameValue(g.P05, w.P05) || !sameValue(g.P50, w.P50) || !sameValue(g.P95, w.P95) {
					t.Fatalf("row %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestParquetSchema checks the columns and types of the Parquet files.
func TestParquetSchema(t *testing.T) {
	rs := threeRuns(t)
	for _, tc := range []struct {
		name    string
		write   func(io.Writer) error
		columns []string
	}{
		{"metrics.parquet", func(w io.Writer) error { return WriteStatParquet(context.Background(), w, rs) }, StatColumns},
		{"runs.parquet", func(w io.Writer) error { return WriteRunsParquet(context.Background(), w, rs) }, RunColumns},
	} {
		var b bytes.Buffer
		if err := tc.write(&b); err != nil {
			t.Fatal(err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, field := range f.Schema().Fields() {
			names = append(names, field.Name())
		}
		if strings.Join(names, ",") != strings.Join(tc.columns, ",") {
			t.Errorf("%s: columns %v, want %v", tc.name, names, tc.columns)
		}
		s := f.Schema().String()
		for _, want := range []string{"int32 step", "int32 date (DATE)", "binary region (STRING)", "binary entity (STRING)"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: schema lacks %q:\n%s", tc.name, want, s)
			}
		}
		if tc.name == "metrics.parquet" && !strings.Contains(s, "optional double mean") {
			t.Errorf("%s: schema lacks an optional double mean:\n%s", tc.name, s)
		}
		if want := int64(rs.Len() * map[string]int{"metrics.parquet": 1, "runs.parquet": 3}[tc.name]); f.NumRows() != want {
			t.Errorf("%s: %d rows, want %d", tc.name, f.NumRows(), want)
		}
	}
}

// TestRunsParquet checks that runs.parquet holds runs.csv's values.
func TestRunsParquet(t *testing.T) {
	rs := threeRuns(t)
	var b bytes.Buffer
	if err := WriteRunsParquet(context.Background(), &b, rs); err != nil {
		t.Fatal(err)
	}
	recs, err := parquet.Read[runRecord](bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	tab := rs.Table()
	if len(recs) != len(tab.Rows) {
		t.Fatalf("%d rows, want %d", len(recs), len(tab.Rows))
	}
	for i, r := range recs {
		w := tab.Rows[i]
		if int(r.Run) != w.Run || int(r.Step) != w.Step || !dayDate(r.Date).Equal(w.Date) || r.Entity != w.Entity ||
			(r.Value == nil) != (FormatValue(w.Value) == "") || r.Value != nil && *r.Value != Round(w.Value) {
			t.Fatalf("row %d: got %+v, want %+v", i, r, w)
		}
	}
}

// TestParquetRowGroups checks that a long table is written in row
// groups of ParquetRowGroupRows, read back whole, and that the same
// table gives the same bytes.
func TestParquetRowGroups(t *testing.T) {
	var rs Runs
	if err := rs.AddResult(longResult(1200)); err != nil { // 133,200 rows
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	for _, w := range []*bytes.Buffer{&a, &b} {
		if err := WriteStatParquet(context.Background(), w, &rs); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same table gave other bytes")
	}
	f, err := parquet.OpenFile(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	groups := f.RowGroups()
	want := (rs.Len() + ParquetRowGroupRows - 1) / ParquetRowGroupRows
	if len(groups) != want || groups[0].NumRows() != ParquetRowGroupRows {
		t.Errorf("%d row groups (the first of %d rows), want %d of %d", len(groups), groups[0].NumRows(), want, ParquetRowGroupRows)
	}
	st, err := ReadStatsParquet(bytes.NewReader(a.Bytes()), int64(a.Len()), "m.parquet")
	if err != nil || len(st.Rows) != rs.Len() {
		t.Fatalf("read back %v rows, %v; want %d", st, err, rs.Len())
	}
	if last := st.Rows[len(st.Rows)-1]; last.Step != 1199 {
		t.Errorf("last row at step %d, want 1199", last.Step)
	}
}

// TestParquetWritersStopWhenCanceled checks that the Parquet writers
// stop soon after their context ends, with an error wrapping
// ErrCanceled.
func TestParquetWritersStopWhenCanceled(t *testing.T) {
	var rs Runs
	res := longResult(3000)
	for range 2 {
		if err := rs.AddResult(res); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, w io.Writer) error
	}{
		{"WriteStatParquet", func(ctx context.Context, w io.Writer) error { return WriteStatParquet(ctx, w, &rs) }},
		{"WriteRunsParquet", func(ctx context.Context, w io.Writer) error { return WriteRunsParquet(ctx, w, &rs) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tc.write(ctx, &slowWriter{}) }()
			time.Sleep(20 * time.Millisecond)
			canceled := time.Now()
			cancel()
			err := <-done
			if took := time.Since(canceled); took > 200*time.Millisecond {
				t.Errorf("stopped %v after the cancel, want well under a second", took)
			}
			if !errors.Is(err, ErrCanceled) {
				t.Errorf("got %v, want an error wrapping ErrCanceled", err)
			}
		})
	}
}

// TestReadStatsParquetErrors checks that a Parquet file without the
// columns of metrics.csv, or not Parquet at all, is refused by name.
func TestReadStatsParquetErrors(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRunsParquet(context.Background(), &b, threeRuns(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStatsParquet(bytes.NewReader(b.Bytes()), int64(b.Len()), "r.parquet"); err == nil || !strings.Contains(err.Error(), "r.parquet: lacks column [runs mean sd p05 p50 p95]") {
		t.Errorf("got %v, want the missing columns named", err)
	}
	junk := []byte("step,date\n0,2024-01-01\n")
	if _, err := ReadStatsParquet(bytes.NewReader(junk), int64(len(junk)), "m.parquet"); err == nil || !strings.Contains(err.Error(), "m.parquet: not a Parquet file") {
		t.Errorf("got %v, want not a Parquet file", err)
	}
}

func TestTableFile(t *testing.T) {
	for _, tc := range [][3]string{
		{MetricsFile, CSV, "metrics.csv"}, {MetricsFile, Parquet, "metrics.parquet"},
		{BaselineRunsFile, Parquet, "baseline_runs.parquet"}, {EffectsFile, Parquet, "effects.parquet"},
	} {
		if got := TableFile(tc[0], tc[1]); got != tc[2] {
			t.Errorf("TableFile(%s, %s) = %s, want %s", tc[0], tc[1], got, tc[2])
		}
	}
}
