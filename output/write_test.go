package output

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// csvReference writes records with encoding/csv and strconv's Format
// functions, one field at a time: what the appender replaced, and whose
// bytes it must write.
func csvReference(t testing.TB, header []string, n int, record func(i int, rec []string)) []byte {
	t.Helper()
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	if err := cw.Write(header); err != nil {
		t.Fatal(err)
	}
	rec := make([]string, len(header))
	for i := range n {
		record(i, rec)
		if err := cw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func statReference(t testing.TB, st Statistics) []byte {
	return csvReference(t, StatColumns, st.Len(), func(i int, rec []string) {
		r := st.Stat(i)
		rec[0], rec[1] = strconv.Itoa(r.Step), r.Date.Format(DateLayout)
		rec[2], rec[3], rec[4] = r.Region, r.Metric, r.Entity
		rec[5] = strconv.Itoa(r.Runs)
		for k, v := range []float64{r.Mean, r.SD, r.P05, r.P50, r.P95} {
			rec[6+k] = FormatValue(v)
		}
	})
}

func runsReference(t testing.TB, tab *Table) []byte {
	return csvReference(t, RunColumns, len(tab.Rows), func(i int, rec []string) {
		r := &tab.Rows[i]
		rec[0], rec[1], rec[2] = strconv.Itoa(r.Run), strconv.Itoa(r.Step), r.Date.Format(DateLayout)
		rec[3], rec[4], rec[5] = r.Region, r.Metric, r.Entity
		rec[6] = FormatValue(r.Value)
	})
}

// threeRuns returns the runs of smallResult with its values scaled by 1,
// 1.5 and 0.25, so that replicates differ.
func threeRuns(t *testing.T) *Runs {
	var rs Runs
	for _, f := range []float64{1, 1.5, 0.25} {
		tab := FromResult(smallResult())
		for i := range tab.Rows {
			tab.Rows[i].Value *= f
		}
		if err := rs.Add(tab); err != nil {
			t.Fatal(err)
		}
	}
	return &rs
}

// TestAppenderMatchesEncodingCSV checks that the table writers write the
// bytes of encoding/csv with per-field formatting: metrics.csv of one run
// and of an ensemble, from the replicates and from a table, and runs.csv.
// smallResult's names need quoting.
func TestAppenderMatchesEncodingCSV(t *testing.T) {
	var one Runs
	if err := one.AddResult(smallResult()); err != nil {
		t.Fatal(err)
	}
	three := threeRuns(t)
	for _, tc := range []struct {
		name string
		st   Statistics
	}{
		{"single run", &one}, {"single run's table", one.StatTable(nil)},
		{"ensemble", three}, {"ensemble's table", three.StatTable(nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteStatCSV(context.Background(), &b, tc.st); err != nil {
				t.Fatal(err)
			}
			if want := statReference(t, tc.st); !bytes.Equal(b.Bytes(), want) {
				t.Errorf("got\n%s\nwant\n%s", b.Bytes(), want)
			}
		})
	}
	var b, tb bytes.Buffer
	if err := WriteRunsCSV(context.Background(), &b, three); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(context.Background(), &tb, three.Table()); err != nil {
		t.Fatal(err)
	}
	want := runsReference(t, three.Table())
	if !bytes.Equal(b.Bytes(), want) || !bytes.Equal(tb.Bytes(), want) {
		t.Errorf("runs.csv: WriteRunsCSV and WriteCSV differ from encoding/csv")
	}
}

// FuzzAppendField checks the appender's quoting against encoding/csv's
// for any field.
func FuzzAppendField(f *testing.F) {
	for _, s := range []string{"", "a", "rural,west", `say "hi"`, " lead", "\tx", "a\nb", "a\r\nb", `\.`, "\u00a0nbsp", "\u2003em", "wechat+pay", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		if err := cw.Write([]string{s, s}); err != nil {
			return // encoding/csv refuses nothing with a comma delimiter, but be safe
		}
		cw.Flush()
		got := appendField(nil, s)
		got = append(got, ',')
		got = appendField(got, s)
		got = append(got, '\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("field %q: got %q, want %q", s, got, want.Bytes())
		}
	})
}

// TestAddResult checks that the values of a result, read without its
// table, are FromResult's, under a grid layout whose keys are its rows.
func TestAddResult(t *testing.T) {
	res := smallResult()
	tab := FromResult(res)
	var rs, taken Runs
	if err := rs.AddResult(res); err != nil {
		t.Fatal(err)
	}
	if rs.Layout.keys != nil {
		t.Fatal("a result's layout holds every key, want a grid")
	}
	if g := layoutOfRows(tab.Rows); g.keys != nil {
		t.Error("the layout of FromResult's rows holds every key, want a grid")
	}
	if rs.Len() != len(tab.Rows) {
		t.Fatalf("%d rows, want %d", rs.Len(), len(tab.Rows))
	}
	for i, want := range tab.Rows {
		k := rs.Key(i)
		if k.Step != want.Step || !k.Date.Equal(want.Date) || k.Region != want.Region || k.Metric != want.Metric || k.Entity != want.Entity ||
			!sameValue(rs.Values[0][i], want.Value) {
			t.Fatalf("row %d: got %+v value %v, want %+v", i, k, rs.Values[0][i], want)
		}
		j, ok := rs.Layout.Find(want.Step, Key{want.Region, want.Metric, want.Entity})
		if !ok || j != i {
			t.Fatalf("Find row %d: got %d, %v", i, j, ok)
		}
	}
	if _, ok := rs.Layout.Find(0, Key{"nowhere", "adoption", "alipay"}); ok {
		t.Error("found a row of an unknown region")
	}
	if _, ok := rs.Layout.Find(res.Config.Steps, Key{AllRegions, "adoption", "alipay"}); ok {
		t.Error("found a row past the last step")
	}
	taking := smallResult()
	if err := taken.TakeResult(taking); err != nil {
		t.Fatal(err)
	}
	if !sameRunValues(taken.Values[0], rs.Values[0]) {
		t.Error("TakeResult read other values than AddResult")
	}
	for n, s := range taking.Steps {
		if s.Regions != nil {
			t.Fatalf("TakeResult kept the tally of step %d", n)
		}
	}
	// A replicate of another world is refused.
	other := smallResult()
	other.Config.Methods[1].Name = "card"
	if err := rs.AddResult(other); err == nil {
		t.Error("AddResult took a result of other measures")
	}
}

func sameRunValues(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestLayoutOfIrregularRows checks that rows that are no grid keep their
// keys and are found by key.
func TestLayoutOfIrregularRows(t *testing.T) {
	d := date("2024-01-01")
	rows := []Row{
		{Step: 2, Date: d, Region: AllRegions, Metric: "adoption", Entity: "a"},
		{Step: 0, Date: d, Region: "r", Metric: "adoption", Entity: "b"},
	}
	l := layoutOfRows(rows)
	if l.keys == nil || l.Len() != 2 {
		t.Fatalf("got a grid of %d rows, want the two keys", l.Len())
	}
	if i, ok := l.Find(0, Key{"r", "adoption", "b"}); !ok || i != 1 {
		t.Errorf("Find: got %d, %v; want 1", i, ok)
	}
}

// TestLookup checks that a StatTable finds a row by bisection in step
// order, and by a scan out of it.
func TestLookup(t *testing.T) {
	var one Runs
	if err := one.AddResult(smallResult()); err != nil {
		t.Fatal(err)
	}
	st := one.StatTable(nil)
	k := Key{"rural,west", "gmv_share", "jd"}
	want, ok := one.Lookup(2, k)
	if !ok {
		t.Fatal("no gmv share of jd in rural,west at step 2")
	}
	for _, rows := range [][]StatRow{st.Rows, reversed(st.Rows)} {
		got, ok := (&StatTable{Rows: rows}).Lookup(2, k)
		if !ok || got.Step != 2 || keyOf(got) != k || !sameValue(got.Mean, want.Mean) {
			t.Errorf("got %+v, %v; want %+v", got, ok, want)
		}
	}
	if _, ok := st.Lookup(2, Key{"rural,west", "gmv_share", "nobody"}); ok {
		t.Error("found a row of an unknown entity")
	}
	var none *StatTable
	if _, ok := none.Lookup(0, k); ok || none.Len() != 0 {
		t.Error("a nil table has rows")
	}
}

func keyOf(r StatRow) Key { return Key{r.Region, r.Metric, r.Entity} }

func reversed(rows []StatRow) []StatRow {
	r := make([]StatRow, len(rows))
	for i := range rows {
		r[len(rows)-1-i] = rows[i]
	}
	return r
}

// TestStatTableOfMetrics checks that the table of some metrics holds
// their rows, in table order, and no other.
func TestStatTableOfMetrics(t *testing.T) {
	rs := threeRuns(t)
	all := rs.StatTable(nil)
	some := rs.StatTable([]string{"adoption", "gmv_share"})
	var want []StatRow
	for _, r := range all.Rows {
		if r.Metric == "adoption" || r.Metric == "gmv_share" {
			want = append(want, r)
		}
	}
	if len(some.Rows) != len(want) || some.Runs != 3 {
		t.Fatalf("got %d rows of %d runs, want %d of 3", len(some.Rows), some.Runs, len(want))
	}
	for i := range want {
		if keyOf(some.Rows[i]) != keyOf(want[i]) || some.Rows[i].Step != want[i].Step || !sameValue(some.Rows[i].P95, want[i].P95) {
			t.Fatalf("row %d: got %+v, want %+v", i, some.Rows[i], want[i])
		}
	}
}

// slowWriter takes a millisecond for every write, as a slow disk might.
type slowWriter struct{ n int }

func (w *slowWriter) Write(p []byte) (int, error) {
	w.n++
	time.Sleep(time.Millisecond)
	return len(p), nil
}

// TestWritersStopWhenCanceled checks that every table writer stops soon
// after its context ends, with an error wrapping ErrCanceled, having
// written less than the whole table.
func TestWritersStopWhenCanceled(t *testing.T) {
	// A long table: two replicates of smallResult's steps repeated.
	var rs Runs
	res := longResult(3000)
	for range 2 {
		if err := rs.AddResult(res); err != nil {
			t.Fatal(err)
		}
	}
	tab := rs.Table()
	rows := make([]EffectRow, 200_000)
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, w io.Writer) error
	}{
		{"WriteStatCSV", func(ctx context.Context, w io.Writer) error { return WriteStatCSV(ctx, w, &rs) }},
		{"WriteRunsCSV", func(ctx context.Context, w io.Writer) error { return WriteRunsCSV(ctx, w, &rs) }},
		{"WriteCSV", func(ctx context.Context, w io.Writer) error { return WriteCSV(ctx, w, tab) }},
		{"WriteEffectsCSV", func(ctx context.Context, w io.Writer) error { return WriteEffectsCSV(ctx, w, rows) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			w := &slowWriter{}
			done := make(chan error, 1)
			go func() { done <- tc.write(ctx, w) }()
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
	// Not canceled, the same writer finishes.
	if err := WriteStatCSV(context.Background(), io.Discard, &rs); err != nil {
		t.Fatal(err)
	}
}

// TestDifferenceOfEmpty checks Difference of runs without rows.
func TestDifferenceOfEmpty(t *testing.T) {
	var a, b Runs
	d, err := a.Difference(&b)
	if err != nil || d.Len() != 0 {
		t.Errorf("got %v, %d rows; want none", err, d.Len())
	}
	if !math.IsNaN(singleRow(Row{}, math.NaN()).Mean) {
		t.Error("a missing value has a mean")
	}
}

// longResult is smallResult with its three steps repeated to make steps.
func longResult(steps int) *sim.Result {
	res := smallResult()
	for n := 3; n < steps; n++ {
		res.Steps = append(res.Steps, res.Steps[n%3])
	}
	res.Config.Steps = len(res.Steps)
	return res
}

// BenchmarkWriteMetricsCSV writes a single run's metrics.csv of the
// small world repeated over 260 steps, with the appender and with
// encoding/csv and per-field formatting, the writer it replaced.
func BenchmarkWriteMetricsCSV(b *testing.B) {
	res := longResult(260)
	var rs Runs
	if err := rs.AddResult(res); err != nil {
		b.Fatal(err)
	}
	b.Run("appender", func(b *testing.B) {
		for range b.N {
			if err := WriteStatCSV(context.Background(), io.Discard, &rs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*rs.Len())/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("encoding-csv", func(b *testing.B) {
		for range b.N {
			statReference(b, &rs)
		}
		b.ReportMetric(float64(b.N*rs.Len())/b.Elapsed().Seconds(), "rows/s")
	})
}
