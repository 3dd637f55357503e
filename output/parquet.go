package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// Table formats: how run and compare write their tables (--table).
const (
	// CSV writes metrics.csv and the other tables as CSV (the default).
	CSV = "csv"
	// Parquet writes them as Apache Parquet files instead:
	// metrics.parquet, baseline.parquet, effects.parquet, runs.parquet
	// and baseline_runs.parquet.
	Parquet = "parquet"
)

// TableFormats are the formats a job writes its tables in.
var TableFormats = []string{CSV, Parquet}

// TableFile returns the name of the table file name (MetricsFile,
// BaselineFile, EffectsFile, RunsFile, BaselineRunsFile: a .csv name) in
// format: name itself for CSV, with .parquet for Parquet.
func TableFile(name, format string) string {
	if format == Parquet {
		return name[:len(name)-len(".csv")] + ".parquet"
	}
	return name
}

// ParquetRowGroupRows is the number of rows of each row group of the
// Parquet files (the last one holds the rest): what the writer buffers,
// compressed, before it writes them out, and what a reader such as
// DuckDB reads in parallel.
const ParquetRowGroupRows = 1 << 17

// parquetBatch is the number of rows handed to the Parquet writer at a
// time; the context is checked between batches.
const parquetBatch = CheckRows

// statRecord is a row of metrics.parquet: the columns of metrics.csv
// (StatColumns), with dates as DATE and undefined statistics as NULL.
type statRecord struct {
	Step   int32    `parquet:"step"`
	Date   int32    `parquet:"date,date"`
	Region string   `parquet:"region,dict"`
	Metric string   `parquet:"metric,dict"`
	Entity string   `parquet:"entity,dict"`
	Runs   int32    `parquet:"runs"`
	Mean   *float64 `parquet:"mean,optional"`
	SD     *float64 `parquet:"sd,optional"`
	P05    *float64 `parquet:"p05,optional"`
	P50    *float64 `parquet:"p50,optional"`
	P95    *float64 `parquet:"p95,optional"`
}

// runRecord is a row of runs.parquet: the columns of runs.csv
// (RunColumns).
type runRecord struct {
	Run    int32    `parquet:"run"`
	Step   int32    `parquet:"step"`
	Date   int32    `parquet:"date,date"`
	Region string   `parquet:"region,dict"`
	Metric string   `parquet:"metric,dict"`
	Entity string   `parquet:"entity,dict"`
	Value  *float64 `parquet:"value,optional"`
}

// parquetConfig is the writer configuration of every Parquet file:
// Snappy pages (what pyarrow and Spark write by default; zstd's encoders
// would hold 30 MiB of history for files a fifth smaller), row groups of
// ParquetRowGroupRows, and a created_by naming the program and the
// schema version, but not the build, so that the same run gives the same
// bytes whatever build wrote it.
func parquetConfig() []parquet.WriterOption {
	return []parquet.WriterOption{
		&parquet.WriterConfig{CreatedBy: "interopsim (schema version " + strconv.Itoa(SchemaVersion) + ")"},
		parquet.Compression(&snappy.Codec{}),
		parquet.KeyValueMetadata("interopsim.schema_version", strconv.Itoa(SchemaVersion)),
	}
}

// epochDay is the DATE of t: days since 1970-01-01.
func epochDay(t time.Time) int32 {
	return int32(t.Unix() / 86400)
}

// dayDate is the date of a DATE.
func dayDate(d int32) time.Time {
	return time.Unix(int64(d)*86400, 0).UTC()
}

// parquetRows writes n rows to w as Parquet, fill setting the records of
// rows i0 to i0+len(batch)-1, in batches, a row group every
// ParquetRowGroupRows rows; it stops with an error wrapping ErrCanceled
// soon after ctx ends.
func parquetRows[T any](ctx context.Context, w io.Writer, n int, fill func(i0 int, batch []T)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	pw := parquet.NewGenericWriter[T](w, parquetConfig()...)
	batch := make([]T, parquetBatch)
	inGroup := 0
	for i := 0; i < n; {
		if ctx.Err() != nil {
			return fmt.Errorf("write parquet row %d: %w", i+1, ErrCanceled)
		}
		k := min(parquetBatch, n-i, ParquetRowGroupRows-inGroup)
		fill(i, batch[:k])
		if _, err := pw.Write(batch[:k]); err != nil {
			return fmt.Errorf("write parquet: %w", err)
		}
		i += k
		if inGroup += k; inGroup == ParquetRowGroupRows {
			if err := pw.Flush(); err != nil {
				return fmt.Errorf("write parquet: %w", err)
			}
			inGroup = 0
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}

// optional points p at v rounded as metrics.csv writes it (see Round), or
// is nil for NaN: a NULL.
func optional(v float64, p *float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	*p = Round(v)
	return p
}

// WriteStatParquet writes st to w as Parquet with the columns of
// metrics.csv (StatColumns), row by row in table order: step and runs as
// INT32, date as DATE, region, metric and entity as dictionary-encoded
// strings, and the statistics as DOUBLE rounded as metrics.csv writes them
// (the two files hold the same numbers), NULL where metrics.csv has an
// empty field. Rows go out in row groups of ParquetRowGroupRows; nothing
// the size of the table is built. It stops with an error wrapping
// ErrCanceled soon after ctx ends.
func WriteStatParquet(ctx context.Context, w io.Writer, st Statistics) error {
	vals := make([]float64, 5*parquetBatch)
	return parquetRows(ctx, w, st.Len(), func(i0 int, batch []statRecord) {
		for j := range batch {
			r := st.Stat(i0 + j)
			v := vals[5*j : 5*j+5]
			batch[j] = statRecord{
				Step: int32(r.Step), Date: epochDay(r.Date), Region: r.Region, Metric: r.Metric, Entity: r.Entity, Runs: int32(r.Runs),
				Mean: optional(r.Mean, &v[0]), SD: optional(r.SD, &v[1]), P05: optional(r.P05, &v[2]), P50: optional(r.P50, &v[3]), P95: optional(r.P95, &v[4]),
			}
		}
	})
}

// WriteRunsParquet writes every replicate of rs to w as Parquet with the
// columns of runs.csv (RunColumns), replicate by replicate, each in table
// order, typed as WriteStatParquet types them (value a DOUBLE, NULL where
// runs.csv is empty). It stops with an error wrapping ErrCanceled soon
// after ctx ends.
func WriteRunsParquet(ctx context.Context, w io.Writer, rs *Runs) error {
	vals := make([]float64, parquetBatch)
	per := rs.Len()
	return parquetRows(ctx, w, per*len(rs.Values), func(i0 int, batch []runRecord) {
		for j := range batch {
			run, i := (i0+j)/per, (i0+j)%per
			k := rs.Key(i)
			batch[j] = runRecord{
				Run: int32(run), Step: int32(k.Step), Date: epochDay(k.Date), Region: k.Region, Metric: k.Metric, Entity: k.Entity,
				Value: optional(rs.Values[run][i], &vals[j]),
			}
		}
	})
}

// ReadStatsParquet reads a table of statistics written by
// WriteStatParquet (or by another program with the columns of
// metrics.csv: integer step and runs, a DATE date, string region,
// metric and entity, DOUBLE statistics, NULL for a missing one) from r,
// of size bytes; name names it in errors. It checks what ReadStats
// checks of each row.
func ReadStatsParquet(r io.ReaderAt, size int64, name string) (*StatTable, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Parquet file: %w", name, err)
	}
	var missing []string
	for _, c := range StatColumns {
		if _, ok := f.Schema().Lookup(c); !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &ReadError{File: name, Msg: fmt.Sprintf("lacks column %s (want the columns of metrics.csv: %v)", missing, StatColumns)}
	}
	pr := parquet.NewGenericReader[statRecord](f)
	defer pr.Close()
	st := &StatTable{}
	batch := make([]statRecord, parquetBatch)
	for row := 1; ; {
		n, err := pr.Read(batch)
		for j := range batch[:n] {
			s, err := statOfRecord(&batch[j])
			if err != nil {
				return nil, &ReadError{File: name, Msg: fmt.Sprintf("row %d: %v", row, err)}
			}
			st.Runs = max(st.Runs, s.Runs)
			st.Rows = append(st.Rows, s)
			row++
		}
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
}

// statOfRecord converts and checks one row of a metrics.parquet.
func statOfRecord(r *statRecord) (StatRow, error) {
	s := StatRow{Step: int(r.Step), Date: dayDate(r.Date), Region: r.Region, Metric: r.Metric, Entity: r.Entity, Runs: int(r.Runs)}
	switch {
	case r.Step < 0:
		return s, fmt.Errorf("step must not be negative, got %d", r.Step)
	case r.Runs < 0:
		return s, fmt.Errorf("runs must not be negative, got %d", r.Runs)
	case r.Region == "" || r.Metric == "" || r.Entity == "":
		return s, fmt.Errorf("region, metric and entity must not be empty")
	}
	for k, p := range []*float64{r.Mean, r.SD, r.P05, r.P50, r.P95} {
		v := math.NaN()
		if p != nil {
			v = *p
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxValue {
				return s, fmt.Errorf("%s %v is out of range: values are finite, at most 1e30 in magnitude, or NULL for a missing value", StatColumns[6+k], v)
			}
		}
		*[]*float64{&s.Mean, &s.SD, &s.P05, &s.P50, &s.P95}[k] = v
	}
	if s.SD < 0 {
		return s, fmt.Errorf("sd must not be negative, got %v", s.SD)
	}
	p := []float64{s.P05, s.P50, s.P95}
	for a := 0; a < 3; a++ {
		for b := a + 1; b < 3; b++ {
			if Disordered(p[a], p[b]) {
				return s, fmt.Errorf("%s %v is above %s %v: percentiles must not decrease", StatColumns[8+a], p[a], StatColumns[8+b], p[b])
			}
		}
	}
	return s, nil
}

// IsTableFormat reports whether format is one of TableFormats.
func IsTableFormat(format string) bool { return slices.Contains(TableFormats, format) }
