package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/interopsim/interopsim/sim"
)

// StatColumns are the columns of metrics.csv, baseline.csv and
// effects.csv, in the order WriteStatCSV writes them, for every run kind
// and engine: one row per step, region, metric and entity, holding the
// number of replicates with a value and their mean, standard deviation
// and 5th, 50th and 95th percentiles. A single run is an ensemble of one:
// runs is 1 (0 where the value is undefined), mean, p05, p50 and p95 are
// its value and sd is empty. docs/metrics.md documents every column.
var StatColumns = []string{"step", "date", "region", "metric", "entity", "runs", "mean", "sd", "p05", "p50", "p95"}

// StatRow holds the distribution over replicates of one value of a Table.
type StatRow struct {
	// Step, Date, Region, Metric and Entity are as in Row.
	Step   int
	Date   time.Time
	Region string
	Metric string
	Entity string
	// Runs is the number of replicates whose value is defined (not NaN).
	Runs int
	// Mean and SD are the mean and the sample standard deviation (NaN
	// with fewer than two replicates).
	Mean, SD float64
	// P05, P50 and P95 are percentiles, interpolated linearly between
	// order statistics (gonum's stat.LinInterp).
	P05, P50, P95 float64
}

// StatTable is the table of an ensemble: the distribution over replicates
// of every value, in the row order of a single run's Table.
type StatTable struct {
	// Runs is the number of replicates summarised.
	Runs int
	// Rows holds one row per step, region, metric and entity.
	Rows []StatRow
	// Warnings, set by ReadStats, locate values that are drawn but look
	// wrong: a missing mean in a row whose runs say it has one, a mean in
	// a row of no run. Each kind is located at its first row and counts
	// the others.
	Warnings []*ReadError
}

// Runs holds the values of the replicates of a run compactly: their
// Layout (the keys of the rows, shared) and one slice of values per
// replicate, in that row order, 8 bytes per value and replicate. It is
// what an ensemble keeps in memory, and every file and figure of a job
// is made from it: Runs is a Statistics whose rows are the statistics
// over replicates of each value, computed as they are read.
type Runs struct {
	// Layout holds the keys of the rows, set by the first replicate added.
	Layout *Layout
	// Values holds Values[run][i], the value of row i in that run.
	Values [][]float64
}

// AddResult appends the replicate res, whose table (FromResult's rows)
// must have the rows of the replicates already added, in the same order.
// Its values are read from res's measures directly, without building
// its table.
func (rs *Runs) AddResult(res *sim.Result) error { return rs.addResult(res, false) }

// TakeResult is AddResult for a caller done with res: each step's tally
// is let go once its values are read (res.Steps is left holding empty
// tallies), so that the result and its values are never both held whole.
func (rs *Runs) TakeResult(res *sim.Result) error { return rs.addResult(res, true) }

func (rs *Runs) addResult(res *sim.Result, take bool) error {
	l := rs.Layout
	if l == nil || len(rs.Values) == 0 {
		l = LayoutOf(res)
	} else if err := l.same(LayoutOf(res)); err != nil {
		return fmt.Errorf("run %d: %w", len(rs.Values), err)
	}
	m := len(l.metrics)
	v := make([]float64, 0, l.Len())
	for n := range res.Steps {
		for k := range len(res.Config.Regions) + 1 {
			i := k
			if k == len(res.Config.Regions) {
				i = -1
			}
			ms := res.Measures(n, i)
			if len(ms) != m {
				return fmt.Errorf("run %d: step %d has %d measures, want %d", len(rs.Values), n, len(ms), m)
			}
			for _, x := range ms {
				v = append(v, x.Value)
			}
		}
		if take {
			res.Steps[n] = sim.Tally{}
		}
	}
	rs.Layout = l
	rs.Values = append(rs.Values, v)
	return nil
}

// Add appends the run in t, which must hold the same rows as the runs
// already added, in the same order.
func (rs *Runs) Add(t *Table) error {
	if rs.Layout == nil || len(rs.Values) == 0 {
		rs.Layout = layoutOfRows(t.Rows)
	} else if err := sameRows(rs.Layout, t.Rows); err != nil {
		return fmt.Errorf("run %d: %w", len(rs.Values), err)
	}
	v := make([]float64, len(t.Rows))
	for i := range t.Rows {
		v[i] = t.Rows[i].Value
	}
	rs.Values = append(rs.Values, v)
	return nil
}

// sameRows checks that rows hold the keys of l, in order.
func sameRows(l *Layout, rows []Row) error {
	if len(rows) != l.Len() {
		return fmt.Errorf("%d rows, want %d: every run must hold the same values", len(rows), l.Len())
	}
	for i := range rows {
		x, y := l.Key(i), &rows[i]
		if x.Step != y.Step || x.Region != y.Region || x.Metric != y.Metric || x.Entity != y.Entity {
			return fmt.Errorf("row %d is step %d %s %s %s, want step %d %s %s %s: every run must hold the same values in the same order",
				i+1, y.Step, y.Region, y.Metric, y.Entity, x.Step, x.Region, x.Metric, x.Entity)
		}
	}
	return nil
}

// Len returns the number of rows of one replicate.
func (rs *Runs) Len() int { return rs.Layout.Len() }

// Replicates returns the number of replicates added.
func (rs *Runs) Replicates() int { return len(rs.Values) }

// Key returns the key of row i (see Layout.Key).
func (rs *Runs) Key(i int) Row { return rs.Layout.Key(i) }

// Stat returns the statistics over replicates of row i. NaN values
// (undefined shares) are left out.
func (rs *Runs) Stat(i int) StatRow {
	k := rs.Layout.Key(i)
	if len(rs.Values) == 1 { // a single run: no slice to sort
		return singleRow(k, rs.Values[0][i])
	}
	p := scratch.Get().(*[]float64)
	vals := (*p)[:0]
	for _, v := range rs.Values {
		if !math.IsNaN(v[i]) {
			vals = append(vals, v[i])
		}
	}
	r := statRow(k, vals)
	*p = vals
	scratch.Put(p)
	return r
}

// scratch holds the slices Runs.Stat sorts a row's values in.
var scratch = sync.Pool{New: func() any { return new([]float64) }}

// Lookup returns the statistics of the row of k at step.
func (rs *Runs) Lookup(step int, k Key) (StatRow, bool) {
	i, ok := rs.Layout.Find(step, k)
	if !ok {
		return StatRow{}, false
	}
	return rs.Stat(i), true
}

// StatTable returns the statistics of the rows whose metric is one of
// metrics (every row when metrics is nil) as a table in memory: what the
// figures draw, and no more.
func (rs *Runs) StatTable(metrics []string) *StatTable {
	st := &StatTable{Runs: len(rs.Values)}
	keep := func(string) bool { return true }
	if metrics != nil {
		keep = func(m string) bool { return slices.Contains(metrics, m) }
	}
	l := rs.Layout
	if l != nil && l.keys == nil {
		// A grid: the rows kept are the same measures at every step and
		// region.
		var kept []int
		for m, metric := range l.metrics {
			if keep(metric) {
				kept = append(kept, m)
			}
		}
		st.Rows = make([]StatRow, 0, len(l.dates)*len(l.regions)*len(kept))
		for base := 0; base < l.Len(); base += len(l.metrics) {
			for _, m := range kept {
				st.Rows = append(st.Rows, rs.Stat(base+m))
			}
		}
		return st
	}
	for i := range rs.Len() {
		if keep(rs.Key(i).Metric) {
			st.Rows = append(st.Rows, rs.Stat(i))
		}
	}
	return st
}

// Table returns every run as one Table, runs numbered from 0 in the
// order added: the layout of runs.csv. It holds a Row per value and
// replicate; WriteRunsCSV writes the same rows without it.
func (rs *Runs) Table() *Table {
	t := &Table{Rows: make([]Row, 0, rs.Len()*len(rs.Values))}
	for run, vals := range rs.Values {
		for i := range rs.Len() {
			k := rs.Key(i)
			k.Run, k.Value = run, vals[i]
			t.Rows = append(t.Rows, k)
		}
	}
	return t
}

// Difference returns rs - b, run by run and value by value: the effect of
// what distinguishes rs's scenario from b's, replicate by replicate. Both
// must hold the same runs of the same rows.
func (rs *Runs) Difference(b *Runs) (*Runs, error) {
	if len(rs.Values) != len(b.Values) {
		return nil, fmt.Errorf("difference: %d runs against %d", len(rs.Values), len(b.Values))
	}
	if rs.Layout == nil || b.Layout == nil {
		return &Runs{Layout: rs.Layout, Values: make([][]float64, len(rs.Values))}, nil
	}
	if err := rs.Layout.same(b.Layout); err != nil {
		return nil, fmt.Errorf("difference: %w", err)
	}
	d := &Runs{Layout: rs.Layout, Values: make([][]float64, len(rs.Values))}
	for run := range rs.Values {
		a, bv := rs.Values[run], b.Values[run]
		dv := make([]float64, len(a))
		for i := range a {
			dv[i] = a[i] - bv[i]
		}
		d.Values[run] = dv
	}
	return d, nil
}

// Summarize returns the distribution over runs of every value of t, which
// holds one or more runs of the same scenario (rows of each run together
// or interleaved, runs in any order). NaN values (undefined shares) are
// left out of each value's statistics.
func Summarize(t *Table) (*StatTable, error) {
	var order []int
	parts := map[int]*Table{}
	for _, r := range t.Rows {
		p, ok := parts[r.Run]
		if !ok {
			p = &Table{}
			parts[r.Run] = p
			order = append(order, r.Run)
		}
		p.Rows = append(p.Rows, r)
	}
	slices.Sort(order)
	var rs Runs
	for _, run := range order {
		if err := rs.Add(parts[run]); err != nil {
			return nil, fmt.Errorf("summarize: %w", err)
		}
	}
	return rs.StatTable(nil), nil
}

// statRow summarises vals, the values of r's key over replicates.
func statRow(r Row, vals []float64) StatRow {
	s := StatRow{Step: r.Step, Date: r.Date, Region: r.Region, Metric: r.Metric, Entity: r.Entity, Runs: len(vals)}
	switch len(vals) {
	case 0:
		return singleRow(r, math.NaN())
	case 1:
		return singleRow(r, vals[0])
	}
	s.Mean, s.SD = stat.MeanStdDev(vals, nil)
	slices.Sort(vals)
	// Interpolating between equal order statistics can miss them by a
	// unit in the last place (0.1x + 0.9x is not always x): clamp each
	// percentile between its neighbours, so that p05 <= p50 <= p95 and
	// identical replicates give their value exactly.
	lo, hi := vals[0], vals[len(vals)-1]
	s.P05 = clamp(stat.Quantile(0.05, stat.LinInterp, vals, nil), lo, hi)
	s.P50 = clamp(stat.Quantile(0.50, stat.LinInterp, vals, nil), s.P05, hi)
	s.P95 = clamp(stat.Quantile(0.95, stat.LinInterp, vals, nil), s.P50, hi)
	if lo == hi {
		s.Mean = lo
	}
	return s
}

// singleRow is the row of r's key with one replicate's value v: runs 1,
// v as mean and every percentile and sd NaN; runs 0 and every statistic
// NaN when v is NaN.
func singleRow(r Row, v float64) StatRow {
	s := StatRow{Step: r.Step, Date: r.Date, Region: r.Region, Metric: r.Metric, Entity: r.Entity, Runs: 1}
	nan := math.NaN()
	if math.IsNaN(v) {
		s.Runs = 0
	}
	s.Mean, s.SD, s.P05, s.P50, s.P95 = v, nan, v, v, v
	return s
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(x, hi)) }

// OrderTolerance is the relative amount by which a percentile read from a
// file may pass the next one (p05 above p50, p50 above p95) and still be
// taken as equal to it: rounding two equal values to ValueDigits digits
// from either side of a rounding boundary differs by up to 1e-9 of them.
const OrderTolerance = 1e-9

// Disordered reports whether a is above b by more than OrderTolerance
// relative to the larger magnitude: percentiles out of order, beyond
// rounding.
func Disordered(a, b float64) bool {
	return a-b > OrderTolerance*math.Max(math.Abs(a), math.Abs(b))
}

// ReadStats reads a table of statistics over replicates from r: a file
// in the layout of metrics.csv (StatColumns: a header with a mean column)
// is read as it is, with extra columns ignored and in any order; a file
// in the layout of runs.csv (RunColumns: a header with a value column,
// one or more runs, as single runs' metrics.csv were before schema
// version 1) is read with ReadCSV and summarised. A header with neither
// is an error naming both layouts. name names the input in errors, which
// are *ReadError values as ReadCSV's are.
func ReadStats(r io.Reader, name string) (*StatTable, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cr := csv.NewReader(strings.NewReader(string(data)))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	has := func(column string) bool {
		return slices.ContainsFunc(header, func(h string) bool {
			return strings.TrimPrefix(strings.TrimSpace(h), "\ufeff") == column
		})
	}
	switch {
	case err == io.EOF:
		return nil, &ReadError{File: name, Msg: "empty file, want a header line " + strings.Join(StatColumns, ",")}
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	case !has("mean") && has("value"):
		t, err := ReadCSV(strings.NewReader(string(data)), name)
		if err != nil {
			return nil, err
		}
		st, err := Summarize(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return st, nil
	case !has("mean"):
		return nil, &ReadError{File: name, Line: 1, Msg: fmt.Sprintf(
			"header has neither a mean nor a value column: want the columns of metrics.csv (%s) or of runs.csv (%s), in any order",
			strings.Join(StatColumns, ","), strings.Join(RunColumns, ","))}
	}
	col, err := findColumns(header, StatColumns, name)
	if err != nil {
		return nil, err
	}
	st := &StatTable{}
	var missing, stray remarks
	err = eachRecord(cr, name, func(rd record) error {
		row, err := parseStatRow(rd)
		st.Runs = max(st.Runs, row.Runs)
		st.Rows = append(st.Rows, row)
		switch {
		case err != nil:
		case row.Runs > 0 && math.IsNaN(row.Mean):
			missing.add(rd, 6, fmt.Sprintf("missing though runs is %d: drawn as a gap", row.Runs))
		case row.Runs == 0 && !math.IsNaN(row.Mean):
			stray.add(rd, 5, "is 0 (no replicate has a value) but mean is given: the mean is drawn")
		}
		return err
	}, col, StatColumns)
	if err != nil {
		return nil, err
	}
	st.Warnings = append(missing.list(), stray.list()...)
	return st, nil
}

// remarks gathers the rows of one kind of warning: the first is located,
// the others counted.
type remarks struct {
	first *ReadError
	more  int
}

func (w *remarks) add(rd record, i int, msg string) {
	if w.first != nil {
		w.more++
		return
	}
	w.first = &ReadError{File: rd.file, Line: rd.line, Column: rd.names[i], Msg: msg}
}

func (w *remarks) list() []*ReadError {
	if w.first == nil {
		return nil
	}
	e := *w.first
	if w.more > 0 {
		e.Msg += fmt.Sprintf(" (and %d more such rows)", w.more)
	}
	return []*ReadError{&e}
}

// findColumns returns the index in header of each of want.
func findColumns(header, want []string, name string) ([]int, error) {
	col := make([]int, len(want))
	for i := range col {
		col[i] = -1
	}
	for j, h := range header {
		h = strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")
		if i := slices.Index(want, h); i >= 0 {
			if col[i] >= 0 {
				return nil, &ReadError{File: name, Line: 1, Column: h, Msg: "appears twice in the header"}
			}
			col[i] = j
		}
	}
	var missing []string
	for i, c := range want {
		if col[i] < 0 {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &ReadError{File: name, Line: 1, Msg: fmt.Sprintf(
			"header lacks column %s (want %s, in any order)", strings.Join(missing, ", "), strings.Join(want, ","))}
	}
	return col, nil
}

// parseStatRow converts one record of a StatColumns file.
func parseStatRow(rd record) (StatRow, error) {
	var r StatRow
	if err := rd.key(0, &r.Step, &r.Date, &r.Region, &r.Metric, &r.Entity); err != nil {
		return r, err
	}
	var err error
	if r.Runs, err = rd.index(5); err != nil {
		return r, err
	}
	for k, p := range []*float64{&r.Mean, &r.SD, &r.P05, &r.P50, &r.P95} {
		if *p, err = rd.value(6 + k); err != nil {
			return r, err
		}
	}
	if r.SD < 0 {
		return r, rd.bad(7, "must not be negative, got %s", rd.field(7))
	}
	// Percentiles in order, up to rounding (see OrderTolerance); a
	// missing one is not compared.
	p := []float64{r.P05, r.P50, r.P95}
	for a := 0; a < 3; a++ {
		for b := a + 1; b < 3; b++ {
			if Disordered(p[a], p[b]) {
				return r, rd.bad(8+a, "%s is above %s (%s): percentiles must not decrease", rd.field(8+a), StatColumns[8+b], rd.field(8+b))
			}
		}
	}
	return r, nil
}

// Rounded returns a copy of st with every statistic as WriteStatCSV
// writes it and ReadStats reads it back (see Round): figures drawn from it
// are those drawn from the file.
func (st *StatTable) Rounded() *StatTable {
	r := &StatTable{Runs: st.Runs, Rows: slices.Clone(st.Rows)}
	for i := range r.Rows {
		x := &r.Rows[i]
		x.Mean, x.SD, x.P05, x.P50, x.P95 = Round(x.Mean), Round(x.SD), Round(x.P05), Round(x.P50), Round(x.P95)
	}
	return r
}
