package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat"
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

// Runs holds the values of several runs of one scenario compactly: the
// rows of the first run, without their values, and one slice of values
// per run in that row order. It is what an ensemble keeps in memory
// (8 bytes per value and run, not a Row).
type Runs struct {
	// Keys are the rows of the first run added; their Run and Value are
	// not used.
	Keys []Row
	// Values holds Values[run][i], the value of Keys[i] in that run.
	Values [][]float64
}

// Add appends the run in t, which must hold the same rows as the runs
// already added, in the same order.
func (rs *Runs) Add(t *Table) error {
	if len(rs.Values) == 0 {
		rs.Keys = slices.Clone(t.Rows)
	} else if err := sameKeys(rs.Keys, t.Rows); err != nil {
		return fmt.Errorf("run %d: %w", len(rs.Values), err)
	}
	v := make([]float64, len(t.Rows))
	for i := range t.Rows {
		v[i] = t.Rows[i].Value
	}
	rs.Values = append(rs.Values, v)
	return nil
}

// sameKeys checks that b holds the rows of a, in order.
func sameKeys(a, b []Row) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d rows, want %d: every run must hold the same values", len(b), len(a))
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Step != y.Step || x.Region != y.Region || x.Metric != y.Metric || x.Entity != y.Entity {
			return fmt.Errorf("row %d is step %d %s %s %s, want step %d %s %s %s: every run must hold the same values in the same order",
				i+1, y.Step, y.Region, y.Metric, y.Entity, x.Step, x.Region, x.Metric, x.Entity)
		}
	}
	return nil
}

// Table returns every run as one Table, runs numbered from 0 in the
// order added: the layout of a single run's metrics.csv.
func (rs *Runs) Table() *Table {
	t := &Table{Rows: make([]Row, 0, len(rs.Keys)*len(rs.Values))}
	for run, vals := range rs.Values {
		for i, k := range rs.Keys {
			k.Run, k.Value = run, vals[i]
			t.Rows = append(t.Rows, k)
		}
	}
	return t
}

// Stats returns the distribution over runs of every value. NaN values
// (undefined shares) are left out of each value's statistics.
func (rs *Runs) Stats() *StatTable {
	st := &StatTable{Runs: len(rs.Values), Rows: make([]StatRow, len(rs.Keys))}
	vals := make([]float64, 0, len(rs.Values))
	for i, k := range rs.Keys {
		vals = vals[:0]
		for _, v := range rs.Values {
			if !math.IsNaN(v[i]) {
				vals = append(vals, v[i])
			}
		}
		st.Rows[i] = statRow(k, vals)
	}
	return st
}

// Difference returns rs - b, run by run and value by value: the effect of
// what distinguishes rs's scenario from b's, replicate by replicate. Both
// must hold the same runs of the same rows.
func (rs *Runs) Difference(b *Runs) (*Runs, error) {
	if len(rs.Values) != len(b.Values) {
		return nil, fmt.Errorf("difference: %d runs against %d", len(rs.Values), len(b.Values))
	}
	if err := sameKeys(rs.Keys, b.Keys); err != nil {
		return nil, fmt.Errorf("difference: %w", err)
	}
	d := &Runs{Keys: rs.Keys, Values: make([][]float64, len(rs.Values))}
	for run := range rs.Values {
		d.Values[run] = make([]float64, len(rs.Keys))
		for i := range rs.Keys {
			d.Values[run][i] = rs.Values[run][i] - b.Values[run][i]
		}
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
	return rs.Stats(), nil
}

// statRow summarises vals, the values of r's key over replicates.
func statRow(r Row, vals []float64) StatRow {
	s := StatRow{Step: r.Step, Date: r.Date, Region: r.Region, Metric: r.Metric, Entity: r.Entity, Runs: len(vals)}
	nan := math.NaN()
	switch len(vals) {
	case 0:
		s.Mean, s.SD, s.P05, s.P50, s.P95 = nan, nan, nan, nan, nan
		return s
	case 1:
		s.Mean, s.SD, s.P05, s.P50, s.P95 = vals[0], nan, vals[0], vals[0], vals[0]
		return s
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

// WriteStatCSV writes st to w as CSV with the StatColumns header, values
// formatted as WriteCSV formats them (NaN as an empty field).
func WriteStatCSV(w io.Writer, st *StatTable) error {
	return writeRecords(w, StatColumns, len(st.Rows), func(i int, rec []string) {
		r := &st.Rows[i]
		rec[0] = strconv.Itoa(r.Step)
		rec[1] = r.Date.Format(DateLayout)
		rec[2], rec[3], rec[4] = r.Region, r.Metric, r.Entity
		rec[5] = strconv.Itoa(r.Runs)
		for k, v := range []float64{r.Mean, r.SD, r.P05, r.P50, r.P95} {
			rec[6+k] = FormatValue(v)
		}
	})
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
