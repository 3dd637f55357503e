package output

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// ValueDigits is the number of significant digits of the values written
// to metrics.csv, runs.csv and summary.json: enough for any share or count a simulation measures,
// few enough to keep files compact and byte-stable.
const ValueDigits = 10

// MaxCSVBytes is the largest metrics.csv, baseline.csv or effects.csv
// interopsim plot reads: 4 GiB. A row takes about 80 bytes, so this is
// some 50 million rows, 400 times the flagship's metrics.csv (110,000
// rows, 9 MB) and more than a run fits in the memory of a
// workstation (a row in memory takes more than in the file); a larger
// file is refused rather than read until memory runs out.
const MaxCSVBytes = 4 << 30

// DateLayout is the layout of dates in the CSV files and summary.json
// (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// RunColumns are the columns of runs.csv (every replicate of a run, see
// RunsFile), in the order WriteCSV writes them: one row per replicate,
// step, region, metric and entity. metrics.csv has the layout StatColumns
// instead, whatever the number of replicates.
var RunColumns = []string{"run", "step", "date", "region", "metric", "entity", "value"}

// FormatValue formats v as WriteCSV does: ValueDigits significant digits,
// shortest form, and the empty string for NaN.
func FormatValue(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', ValueDigits, 64)
}

// Round returns v as WriteCSV writes it and ReadCSV reads it back:
// rounded to ValueDigits significant digits. Figures drawn from Round-ed
// values are those drawn from the file.
func Round(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	r, err := strconv.ParseFloat(FormatValue(v), 64)
	if err != nil {
		panic(err) // FormatValue writes finite numbers that ParseFloat reads
	}
	return r
}

// ReadError is a mistake in a CSV file, located by line and column.
type ReadError struct {
	// File is the file's name as given to ReadCSV or ReadStats.
	File string
	// Line is the line number, from 1; 0 when the whole file is concerned.
	Line int
	// Column is the column's name in the header; empty when the line as a
	// whole is concerned.
	Column string
	// Msg says what is wrong and what is valid.
	Msg string
}

// Error returns "file:line: column name: msg", leaving out the parts that
// are not known.
func (e *ReadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Column != "" {
		fmt.Fprintf(&b, "column %s: ", e.Column)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ReadCSV reads a table in the layout of runs.csv (RunColumns) written by
// WriteCSV, or by hand or another program, from r; name names the input
// in errors. Columns are found by their header name, in any order;
// columns other than RunColumns are ignored, and a UTF-8 byte order mark before the header is skipped.
// An empty value, "NA", "NaN" or "nan" reads as NaN. Errors are
// *ReadError values naming the line and column at fault, or wrap the
// *csv.ParseError of a malformed line.
func ReadCSV(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &ReadError{File: name, Msg: "empty file, want a header line " + strings.Join(RunColumns, ",")}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col, err := findColumns(header, RunColumns, name)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	err = eachRecord(cr, name, func(rd record) error {
		row, err := parseRow(rd)
		t.Rows = append(t.Rows, row)
		return err
	}, col, RunColumns)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// eachRecord calls f with every data line read from cr, whose fields for
// names are at col; blank lines are skipped, and lines too short to reach
// every column are reported.
func eachRecord(cr *csv.Reader, name string, f func(record) error, col []int, names []string) error {
	need := 0
	for _, j := range col {
		need = max(need, j+1)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line with spaces only
		}
		if len(rec) < need {
			return &ReadError{File: name, Line: line, Msg: fmt.Sprintf(
				"has %d fields, want at least %d to reach every column of the header", len(rec), need)}
		}
		if err := f(record{rec: rec, col: col, names: names, file: name, line: line}); err != nil {
			return err
		}
	}
}

// parseRow converts one line of a RunColumns file.
func parseRow(rd record) (Row, error) {
	var row Row
	var err error
	if row.Run, err = rd.index(0); err != nil {
		return row, err
	}
	if err := rd.key(1, &row.Step, &row.Date, &row.Region, &row.Metric, &row.Entity); err != nil {
		return row, err
	}
	row.Value, err = rd.value(6)
	return row, err
}

// record reads the fields of one line of a CSV file by column: field i
// is rec[col[i]], named names[i] in errors.
type record struct {
	rec   []string
	col   []int
	names []string
	file  string
	line  int
}

func (r record) field(i int) string { return strings.TrimSpace(r.rec[r.col[i]]) }

func (r record) bad(i int, format string, a ...any) error {
	return &ReadError{File: r.file, Line: r.line, Column: r.names[i], Msg: fmt.Sprintf(format, a...)}
}

// index reads field i as a run, step or count: a whole number from 0.
func (r record) index(i int) (int, error) {
	n, err := parseIndex(r.field(i))
	if err != nil {
		return 0, r.bad(i, "%v", err)
	}
	return n, nil
}

// value reads field i as a value (see parseValue).
func (r record) value(i int) (float64, error) {
	v, err := parseValue(r.field(i))
	if err != nil {
		return 0, r.bad(i, "%v", err)
	}
	return v, nil
}

// key reads the step, date, region, metric and entity of a value from
// fields i to i+4.
func (r record) key(i int, step *int, date *time.Time, region, metric, entity *string) error {
	var err error
	if *step, err = r.index(i); err != nil {
		return err
	}
	if *date, err = time.Parse(DateLayout, r.field(i+1)); err != nil {
		return r.bad(i+1, "bad date %q, want YYYY-MM-DD", r.field(i+1))
	}
	*region, *metric, *entity = r.field(i+2), r.field(i+3), r.field(i+4)
	for k := i + 2; k <= i+4; k++ {
		if r.field(k) == "" {
			return r.bad(k, "is empty")
		}
	}
	return nil
}

// parseIndex parses a run or step number: a whole number from 0.
func parseIndex(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		if _, ferr := strconv.ParseFloat(s, 64); ferr == nil {
			return 0, fmt.Errorf("must be a whole number, got %q", s)
		}
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return 0, fmt.Errorf("bad number %q, want a whole number from 0", s)
	}
	if n < 0 {
		return 0, fmt.Errorf("must not be negative, got %d", n)
	}
	return n, nil
}

// MaxValue bounds the magnitude of the values read from a CSV file:
// 1e30. No run writes more: a region's GMV in a month is at most 1e10
// people × 1e6 purchases a year / 12 × a basket of 1e6 (the ranges of
// docs/scenarios.md), about 8e19, and a scenario has fewer than 2^31
// regions (every segment has an agent), so the whole country's is below
// 2e29. The figures lay out axes labelled up to it; beyond, their labels
// would not fit.
const MaxValue = 1e30

// parseValue parses a value field; the empty string and the usual
// spellings of missing values read as NaN. Infinities and values beyond
// MaxValue in magnitude are errors.
func parseValue(s string) (float64, error) {
	switch s {
	case "", "NA", "NaN", "nan":
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("bad number %q, want a decimal number, or empty for a missing value", s)
	}
	if err != nil || math.IsInf(v, 0) || math.Abs(v) > MaxValue {
		return 0, fmt.Errorf("%q is out of range: values are finite, at most 1e30 in magnitude, or empty for a missing value", s)
	}
	return v, nil
}
