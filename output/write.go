package output

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// CheckRows is how often the table writers look at their context: every
// CheckRows rows, which take well under a millisecond to write.
const CheckRows = 1024

// flushBytes is the size at which a csvLines hands its buffer to the
// writer.
const flushBytes = 64 << 10

// csvLines builds the lines of a CSV file in one reused buffer, with
// strconv's Append functions, and writes them out in blocks: the bytes
// encoding/csv's Writer writes with its defaults (comma, quoting only
// where needed, "\n" at the end of each line), several times as fast.
type csvLines struct {
	ctx  context.Context
	w    io.Writer
	b    []byte
	rows int
	// date and dateText cache the last date formatted: a table's rows
	// come step by step.
	date     time.Time
	dateText []byte
	// last and lastText cache the last value formatted: a single run's
	// mean and percentiles are one value.
	last     uint64
	lastText []byte
}

func newCSVLines(ctx context.Context, w io.Writer) *csvLines {
	if ctx == nil {
		ctx = context.Background()
	}
	return &csvLines{ctx: ctx, w: w, b: make([]byte, 0, flushBytes+4096)}
}

// header appends a header line of names.
func (c *csvLines) header(names []string) error {
	for i, n := range names {
		if i > 0 {
			c.b = append(c.b, ',')
		}
		c.b = appendField(c.b, n)
	}
	c.b = append(c.b, '\n')
	return c.flushIfFull()
}

// field appends a text field and a comma.
func (c *csvLines) field(s string) {
	c.b = appendField(c.b, s)
	c.b = append(c.b, ',')
}

// int appends n and a comma.
func (c *csvLines) int(n int) {
	c.b = strconv.AppendInt(c.b, int64(n), 10)
	c.b = append(c.b, ',')
}

// dateField appends t as YYYY-MM-DD and a comma.
func (c *csvLines) dateField(t time.Time) {
	if c.dateText == nil || !t.Equal(c.date) {
		c.date, c.dateText = t, t.AppendFormat(c.dateText[:0], DateLayout)
	}
	c.b = append(c.b, c.dateText...)
	c.b = append(c.b, ',')
}

// value appends v as FormatValue writes it and a comma.
func (c *csvLines) value(v float64) {
	if bits := math.Float64bits(v); c.lastText == nil || bits != c.last {
		c.last, c.lastText = bits, appendValue(c.lastText[:0], v)
		if c.lastText == nil {
			c.lastText = []byte{} // NaN: nothing, but cached
		}
	}
	c.b = append(c.b, c.lastText...)
	c.b = append(c.b, ',')
}

// end ends the line: the comma after its last field becomes a newline.
// Every CheckRows lines it stops with an error wrapping ErrCanceled if
// the context has ended.
func (c *csvLines) end() error {
	c.b[len(c.b)-1] = '\n'
	c.rows++
	if c.rows%CheckRows == 0 && c.ctx.Err() != nil {
		return fmt.Errorf("write csv row %d: %w", c.rows, ErrCanceled)
	}
	return c.flushIfFull()
}

func (c *csvLines) flushIfFull() error {
	if len(c.b) < flushBytes {
		return nil
	}
	return c.flush()
}

// flush writes the buffer out.
func (c *csvLines) flush() error {
	if len(c.b) == 0 {
		return nil
	}
	if _, err := c.w.Write(c.b); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	c.b = c.b[:0]
	return nil
}

// appendValue appends v as FormatValue formats it: ValueDigits
// significant digits, shortest form, nothing for NaN.
func appendValue(b []byte, v float64) []byte {
	if math.IsNaN(v) {
		return b
	}
	return strconv.AppendFloat(b, v, 'g', ValueDigits, 64)
}

// appendField appends s as a CSV field, quoted as encoding/csv quotes
// it: when it holds a comma, a quote, a carriage return or a newline,
// starts with a space, or is `\.`; quotes are doubled inside.
func appendField(b []byte, s string) []byte {
	if !fieldNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// fieldNeedsQuotes is encoding/csv's rule for a comma-separated file.
func fieldNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		if special[s[i]] {
			return true
		}
	}
	if c := s[0]; c < utf8.RuneSelf {
		return asciiSpace[c]
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// special marks the bytes that make a field quoted wherever they are,
// and asciiSpace the ASCII bytes unicode.IsSpace reports, which make it
// quoted at its start.
var special, asciiSpace = func() (sp, ws [256]bool) {
	for _, c := range []byte{'\n', '\r', '"', ','} {
		sp[c] = true
	}
	for c := range utf8.RuneSelf {
		ws[c] = unicode.IsSpace(rune(c))
	}
	return
}()

// WriteStatCSV writes st to w as CSV with the StatColumns header (the
// layout of metrics.csv), row by row in table order: values formatted as
// FormatValue formats them (NaN as an empty field), fields quoted as
// encoding/csv quotes them. The statistics of Runs are computed as they
// are written; nothing the size of the table is built. It stops with an
// error wrapping ErrCanceled soon after ctx ends (see CheckRows).
func WriteStatCSV(ctx context.Context, w io.Writer, st Statistics) error {
	c := newCSVLines(ctx, w)
	if err := c.header(StatColumns); err != nil {
		return err
	}
	for i := range st.Len() {
		r := st.Stat(i)
		c.int(r.Step)
		c.dateField(r.Date)
		c.field(r.Region)
		c.field(r.Metric)
		c.field(r.Entity)
		c.int(r.Runs)
		c.value(r.Mean)
		c.value(r.SD)
		c.value(r.P05)
		c.value(r.P50)
		c.value(r.P95)
		if err := c.end(); err != nil {
			return err
		}
	}
	return c.flush()
}

// WriteRunsCSV writes every replicate of rs to w as CSV in the layout of
// runs.csv (RunColumns), replicate by replicate, each in table order:
// the bytes WriteCSV writes of rs.Table(), without building it. It stops
// with an error wrapping ErrCanceled soon after ctx ends.
func WriteRunsCSV(ctx context.Context, w io.Writer, rs *Runs) error {
	c := newCSVLines(ctx, w)
	if err := c.header(RunColumns); err != nil {
		return err
	}
	for run, vals := range rs.Values {
		for i := range rs.Len() {
			k := rs.Key(i)
			c.int(run)
			c.int(k.Step)
			c.dateField(k.Date)
			c.field(k.Region)
			c.field(k.Metric)
			c.field(k.Entity)
			c.value(vals[i])
			if err := c.end(); err != nil {
				return err
			}
		}
	}
	return c.flush()
}

// WriteCSV writes t to w as CSV in the layout of runs.csv: a header line
// of RunColumns, then one line per row in table order. Dates are written
// as YYYY-MM-DD and values with ValueDigits significant digits in the
// shortest form ('g' format); a NaN value is written as an empty field,
// which pandas and R read as missing. Fields are quoted as encoding/csv
// quotes them. It stops with an error wrapping ErrCanceled soon after ctx
// ends.
func WriteCSV(ctx context.Context, w io.Writer, t *Table) error {
	c := newCSVLines(ctx, w)
	if err := c.header(RunColumns); err != nil {
		return err
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		c.int(r.Run)
		c.int(r.Step)
		c.dateField(r.Date)
		c.field(r.Region)
		c.field(r.Metric)
		c.field(r.Entity)
		c.value(r.Value)
		if err := c.end(); err != nil {
			return err
		}
	}
	return c.flush()
}
