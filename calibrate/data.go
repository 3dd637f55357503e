package calibrate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/interopsim/interopsim/internal/readfile"
	"github.com/interopsim/interopsim/sim"
)

// Columns of a data file: the required ones, then the optional ones.
var (
	requiredColumns = []string{"period", "region", "metric", "entity", "value"}
	optionalColumns = []string{"weight", "sd"}
)

// AllRegions is the region of a data row about the whole population.
const AllRegions = "all"

// maxRowErrors is the number of row errors ReadData reports before it
// stops.
const maxRowErrors = 20

// RowError is one mistake in a data file, located by row (the line of the
// file, the header being row 1) and column (the field's number, from 1). Its fields and message are
// readfile.RowError's.
type RowError = readfile.RowError

// Point is one observation of a data file.
type Point struct {
	// Row is the point's line in the file.
	Row int
	// Period is the period as written; From and To bound it, To
	// exclusive.
	Period   string
	From, To time.Time
	// First and Last are the first and last steps of the period: the
	// model's value is the mean over steps First to Last.
	First, Last int
	// Region is the region's index in the Config, or -1 for all regions.
	Region int
	// Key names the series the point belongs to.
	Key Key
	// Value is the observed value and Weight its weight in the loss
	// (the weight column divided by the square of the sd column, each 1
	// when absent).
	Value, Weight float64
	// HasSD says whether the row gave an sd.
	HasSD bool

	measure int // index in sim.Result.Measures
}

// Key names a series: a metric of an entity in a region (or "all").
type Key struct {
	Region, Metric, Entity string
}

// String returns "region metric entity".
func (k Key) String() string { return k.Region + " " + k.Metric + " " + k.Entity }

// Data is a data file's observations, in file order.
type Data struct {
	// File is the name given to ReadData.
	File string
	// Points are the observations.
	Points []Point
}

// Series returns the keys of the series of d in order of first
// appearance.
func (d *Data) Series() []Key {
	var keys []Key
	seen := map[Key]bool{}
	for _, p := range d.Points {
		if !seen[p.Key] {
			seen[p.Key] = true
			keys = append(keys, p.Key)
		}
	}
	return keys
}

var (
	dayRE     = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	monthRE   = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})$`)
	quarterRE = regexp.MustCompile(`^([0-9]{4})-Q([1-4])$`)
	yearRE    = regexp.MustCompile(`^[0-9]{4}$`)
)

// ParsePeriod reads a period: a day (2024-09-12), a month (2024-09), a
// quarter (2024-Q3) or a year (2024). It returns its first day and the
// day after its last.
func ParsePeriod(s string) (from, to time.Time, err error) {
	bad := fmt.Errorf("period %q: want a day (2024-09-12), a month (2024-09), a quarter (2024-Q3) or a year (2024)", s)
	switch {
	case dayRE.MatchString(s):
		t, perr := time.Parse("2006-01-02", s)
		if perr != nil {
			return from, to, bad
		}
		return t, t.AddDate(0, 0, 1), nil
	case monthRE.MatchString(s):
		t, perr := time.Parse("2006-01", s)
		if perr != nil {
			return from, to, bad
		}
		return t, t.AddDate(0, 1, 0), nil
	case quarterRE.MatchString(s):
		m := quarterRE.FindStringSubmatch(s)
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		t := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		return t, t.AddDate(0, 3, 0), nil
	case yearRE.MatchString(s):
		y, _ := strconv.Atoi(s)
		t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return t, t.AddDate(1, 0, 0), nil
	}
	return from, to, bad
}

// steps returns the steps of the period [from, to) in cfg: those starting
// in it, or the step containing from when none does. ok is false when
// the period reaches more than one step beyond either end of the horizon.
func steps(cfg *sim.Config, from, to time.Time) (first, last int, ok bool) {
	if from.Before(cfg.Date(-1)) || to.After(cfg.Date(cfg.Steps+1)) || !from.Before(cfg.End()) || !to.After(cfg.Start) {
		return 0, 0, false
	}
	first, last = -1, -1
	for n := 0; n < cfg.Steps; n++ {
		d := cfg.Date(n)
		if !d.Before(from) && d.Before(to) {
			if first < 0 {
				first = n
			}
			last = n
		}
	}
	if first >= 0 {
		return first, last, true
	}
	for n := 0; n < cfg.Steps; n++ {
		if !cfg.Date(n).After(from) && cfg.Date(n+1).After(from) {
			return n, n, true
		}
	}
	return 0, 0, false
}

// measureIndex maps "metric entity" to its index in the order of
// sim.Result.Measures for cfg, and lists the entities of each metric.
func measureIndex(cfg *sim.Config) (map[string]int, map[string][]string) {
	r := &sim.Result{Config: cfg, Steps: []sim.Tally{{}}}
	idx := map[string]int{}
	entities := map[string][]string{}
	for i, m := range r.Measures(0, -1) {
		idx[m.Metric+" "+m.Entity] = i
		entities[m.Metric] = append(entities[m.Metric], m.Entity)
	}
	return idx, entities
}

// metricNames lists the metrics, for messages.
func metricNames() string {
	var names []string
	for _, m := range sim.Metrics {
		names = append(names, m.Name)
	}
	return strings.Join(names, ", ")
}

// ReadData reads a tidy CSV data file for cfg: a header naming the columns
// period, region, metric, entity and value, and optionally weight and sd,
// in any order; then one observation per row. name is used in errors.
// Every mistake found (up to 20) is returned, joined, each a *RowError
// naming its row and column: unknown columns, metrics, entities or
// regions, periods that are not dates or lie outside the horizon, values
// that are not finite numbers, weights that are negative, sds that are
// not positive, and a series observed twice in one period.
func ReadData(r io.Reader, name string, cfg *sim.Config) (*Data, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	var errs []error
	fail := func(row, col int, field, format string, a ...any) {
		errs = append(errs, &RowError{File: name, Row: row, Column: col, Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &RowError{File: name, Msg: "empty file: want a header row " + strings.Join(requiredColumns, ",") + "[,weight][,sd]"}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case !contains(requiredColumns, h) && !contains(optionalColumns, h):
			fail(1, i+1, h, "unknown column %q; valid columns: %s, %s", h, strings.Join(requiredColumns, ", "), strings.Join(optionalColumns, ", "))
		case col[h] > 0:
			fail(1, i+1, h, "duplicate column %q (first is column %d)", h, col[h])
		default:
			col[h] = i + 1
		}
	}
	for _, c := range requiredColumns {
		if col[c] == 0 {
			fail(1, 0, "", "missing column %q; the header needs %s", c, strings.Join(requiredColumns, ", "))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	idx, entities := measureIndex(cfg)
	regions := map[string]int{AllRegions: -1}
	var regionNames []string
	for i, rg := range cfg.Regions {
		regions[rg.Name] = i
		regionNames = append(regionNames, rg.Name)
	}
	d := &Data{File: name}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(name, err))
			break
		}
		row, _ := cr.FieldPos(0)
		get := func(c string) string {
			if col[c] == 0 {
				return ""
			}
			return strings.TrimSpace(rec[col[c]-1])
		}
		p := Point{Row: row, Period: get("period"), Weight: 1}
		ok := true
		from, to, perr := ParsePeriod(p.Period)
		if perr != nil {
			fail(row, col["period"], "period", "%v", perr)
			ok = false
		} else {
			p.From, p.To = from, to
			var sok bool
			if p.First, p.Last, sok = steps(cfg, from, to); !sok {
				fail(row, col["period"], "period", "period %s is outside the horizon (%s to %s)", p.Period,
					cfg.Start.Format("2006-01-02"), cfg.End().AddDate(0, 0, -1).Format("2006-01-02"))
				ok = false
			}
		}
		region := get("region")
		ri, rok := regions[region]
		if !rok {
			fail(row, col["region"], "region", "unknown region %q; valid: %s, %s", region, AllRegions, strings.Join(regionNames, ", "))
			ok = false
		}
		p.Region = ri
		metric, entity := get("metric"), get("entity")
		if _, known := entities[metric]; !known {
			fail(row, col["metric"], "metric", "unknown metric %q; valid metrics: %s", metric, metricNames())
			ok = false
		} else if i, known := idx[metric+" "+entity]; !known {
			fail(row, col["entity"], "entity", "unknown entity %q of metric %s; valid: %s", entity, metric, strings.Join(entities[metric], ", "))
			ok = false
		} else {
			p.measure = i
		}
		p.Key = Key{Region: region, Metric: metric, Entity: entity}
		v, verr := finite(get("value"))
		if verr != nil {
			fail(row, col["value"], "value", "%v", verr)
			ok = false
		}
		p.Value = v
		if col["weight"] > 0 && get("weight") != "" {
			w, werr := finite(get("weight"))
			switch {
			case werr != nil:
				fail(row, col["weight"], "weight", "%v", werr)
				ok = false
			case w < 0:
				fail(row, col["weight"], "weight", "must be non-negative, got %s", get("weight"))
				ok = false
			}
			p.Weight = w
		}
		if col["sd"] > 0 && get("sd") != "" {
			sd, serr := finite(get("sd"))
			switch {
			case serr != nil:
				fail(row, col["sd"], "sd", "%v", serr)
				ok = false
			case sd <= 0:
				fail(row, col["sd"], "sd", "must be positive, got %s", get("sd"))
				ok = false
			default:
				p.Weight /= sd * sd
				p.HasSD = true
			}
		}
		if ok {
			k := p.Period + " " + p.Key.String()
			if first, dup := seen[k]; dup {
				fail(row, 0, "", "%s in %s is already observed in row %d", p.Key, p.Period, first)
				ok = false
			}
			seen[k] = row
		}
		if ok {
			d.Points = append(d.Points, p)
		}
		if len(errs) >= maxRowErrors {
			fail(0, 0, "", "too many mistakes; stopped after %d", maxRowErrors)
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(d.Points) == 0 {
		return nil, &RowError{File: name, Msg: "no data rows after the header"}
	}
	return d, nil
}

// finite reads a finite number.
func finite(s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("want a finite number, got %q", s)
	}
	return x, nil
}

// csvError turns a CSV syntax error into a RowError.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{File: name, Row: pe.Line, Column: pe.Column, Msg: "invalid CSV: " + pe.Err.Error()}
	}
	return fmt.Errorf("read %s: %w", name, err)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Curve returns the value of series k at every step of run (NaN where a
// share is undefined), and whether its metric is a share.
func Curve(run *sim.Result, k Key) ([]float64, bool, error) {
	cfg := run.Config
	region := -1
	if k.Region != AllRegions {
		region = -2
		for i, r := range cfg.Regions {
			if r.Name == k.Region {
				region = i
			}
		}
		if region == -2 {
			return nil, false, fmt.Errorf("series %s: unknown region %q", k, k.Region)
		}
	}
	idx, _ := measureIndex(cfg)
	m, ok := idx[k.Metric+" "+k.Entity]
	if !ok {
		return nil, false, fmt.Errorf("series %s: unknown metric or entity", k)
	}
	out := make([]float64, len(run.Steps))
	for n := range out {
		out[n] = run.Measures(n, region)[m].Value
	}
	return out, isShare(k.Metric), nil
}
