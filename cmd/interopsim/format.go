package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/interopsim/interopsim/internal/termtext"
)

// fmtCount formats a number of people or agents: whole numbers with
// thousands separators (1,300,000), others with four significant digits.
func fmtCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	if v >= 100 {
		v = math.Round(v)
	}
	if v != math.Trunc(v) || math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 0, 64)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fmtDuration formats an elapsed time to the millisecond, or to the
// microsecond below ten milliseconds.
func fmtDuration(d time.Duration) string {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// fmtParam formats a parameter as its shortest exact decimal form.
func fmtParam(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// fmtBytes formats a number of bytes in binary units (KiB, MiB, ...).
func fmtBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	suffixes := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v, i := float64(n)/unit, 0
	for v >= unit && i < len(suffixes)-1 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, suffixes[i])
}

// table writes aligned columns: cells are separated by at least two
// spaces, lines carry no trailing spaces and control characters are
// escaped (escapeControl) before the columns are aligned.
type table struct {
	w   io.Writer
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newTable(w io.Writer) *table {
	t := &table{w: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	return t
}

// row adds a line of cells.
func (t *table) row(cells ...string) {
	io.WriteString(t.tw, escapeControl(strings.Join(cells, "\t"))+"\n")
}

// rowf adds a line whose cells are separated by tabs in format.
func (t *table) rowf(format string, a ...any) {
	io.WriteString(t.tw, escapeControl(fmt.Sprintf(format, a...))+"\n")
}

// flush writes the aligned lines.
func (t *table) flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(t.buf.String(), "\n") {
		nl := strings.HasSuffix(line, "\n")
		out.WriteString(strings.TrimRight(line, " \n"))
		if nl {
			out.WriteByte('\n')
		}
	}
	t.buf.Reset()
	_, err := t.w.Write(out.Bytes())
	return err
}

// escapeControl is termtext.Escape: everything interopsim prints that may
// hold text from a scenario, a CSV file or a file name goes through it
// (tables and messages), so that it cannot drive the terminal.
func escapeControl(s string) string { return termtext.Escape(s) }
