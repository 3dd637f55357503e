package output

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// Layout is the row order of a run's table and the key of each row
// (step, date, region, metric, entity), without the values: what every
// replicate of a run shares. A run's table is a grid, steps by regions
// (Config order, then AllRegions) by measures (sim.Result.Measures'
// order), so a Layout holds the dates of the steps, the region names and
// the metric and entity of each measure, once, whatever the number of
// steps: a row's key is computed from its index, and the index of a key
// from the step, the region's position and the measure's. A table read
// from a file whose rows are not such a grid keeps the key of every row
// instead.
type Layout struct {
	dates             []time.Time
	regions           []string
	metrics, entities []string
	regionAt          map[string]int
	measureAt         map[[2]string]int
	// keys holds the key of every row of a table that is not a grid; nil
	// for a grid.
	keys []Row
}

// LayoutOf returns the layout of the table of res, as FromResult builds
// it: every step, every region and AllRegions, every measure.
func LayoutOf(res *sim.Result) *Layout {
	c := res.Config
	dates := make([]time.Time, len(res.Steps))
	for n := range dates {
		dates[n] = c.Date(n)
	}
	regions := make([]string, 0, len(c.Regions)+1)
	for _, r := range c.Regions {
		regions = append(regions, r.Name)
	}
	regions = append(regions, AllRegions)
	var metrics, entities []string
	if len(res.Steps) > 0 {
		for _, m := range res.Measures(0, -1) {
			metrics = append(metrics, m.Metric)
			entities = append(entities, m.Entity)
		}
	}
	return newGrid(dates, regions, metrics, entities)
}

// newGrid returns the layout of a grid of steps (their dates), regions
// and measures.
func newGrid(dates []time.Time, regions, metrics, entities []string) *Layout {
	l := &Layout{dates: dates, regions: regions, metrics: metrics, entities: entities,
		regionAt: make(map[string]int, len(regions)), measureAt: make(map[[2]string]int, len(metrics))}
	for i, r := range regions {
		if _, dup := l.regionAt[r]; !dup {
			l.regionAt[r] = i
		}
	}
	for i := range metrics {
		k := [2]string{metrics[i], entities[i]}
		if _, dup := l.measureAt[k]; !dup {
			l.measureAt[k] = i
		}
	}
	return l
}

// layoutOfRows returns the layout of rows: a grid when they are one
// (step 0 first, every step holding the same regions, each the same
// measures, in the same order, on one date), else one holding their keys.
func layoutOfRows(rows []Row) *Layout {
	if l := gridOf(rows); l != nil {
		return l
	}
	keys := make([]Row, len(rows))
	for i, r := range rows {
		r.Run, r.Value = 0, 0
		keys[i] = r
	}
	return &Layout{keys: keys}
}

// gridOf returns the grid layout of rows, or nil when they are not one.
func gridOf(rows []Row) *Layout {
	if len(rows) == 0 || rows[0].Step != 0 {
		return nil
	}
	block := 0 // rows per step
	for block < len(rows) && rows[block].Step == 0 {
		block++
	}
	if len(rows)%block != 0 {
		return nil
	}
	var regions []string
	for i := 0; i < block; i++ {
		if i == 0 || rows[i].Region != rows[i-1].Region {
			if slices.Contains(regions, rows[i].Region) {
				return nil
			}
			regions = append(regions, rows[i].Region)
		}
	}
	if block%len(regions) != 0 {
		return nil
	}
	m := block / len(regions)
	metrics, entities := make([]string, m), make([]string, m)
	for j := range m {
		metrics[j], entities[j] = rows[j].Metric, rows[j].Entity
	}
	dates := make([]time.Time, len(rows)/block)
	for n := range dates {
		dates[n] = rows[n*block].Date
	}
	l := newGrid(dates, regions, metrics, entities)
	if len(l.measureAt) != m {
		return nil // a measure twice: Find could not tell them apart
	}
	for i := range rows {
		k, r := l.Key(i), &rows[i]
		if k.Step != r.Step || !k.Date.Equal(r.Date) || k.Region != r.Region || k.Metric != r.Metric || k.Entity != r.Entity {
			return nil
		}
	}
	return l
}

// Len returns the number of rows.
func (l *Layout) Len() int {
	if l == nil {
		return 0
	}
	if l.keys != nil {
		return len(l.keys)
	}
	return len(l.dates) * len(l.regions) * len(l.metrics)
}

// Key returns the key of row i: its step, date, region, metric and
// entity (Run and Value are zero).
func (l *Layout) Key(i int) Row {
	if l.keys != nil {
		return l.keys[i]
	}
	m := len(l.metrics)
	perStep := len(l.regions) * m
	n, j := i/perStep, i%perStep
	r, k := j/m, j%m
	return Row{Step: n, Date: l.dates[n], Region: l.regions[r], Metric: l.metrics[k], Entity: l.entities[k]}
}

// Find returns the index of the row of k at step, and whether there is
// one. A grid computes it; a layout holding every key searches them.
func (l *Layout) Find(step int, k Key) (int, bool) {
	if l == nil {
		return 0, false
	}
	if l.keys != nil {
		for i := range l.keys {
			r := &l.keys[i]
			if r.Step == step && r.Region == k.Region && r.Metric == k.Metric && r.Entity == k.Entity {
				return i, true
			}
		}
		return 0, false
	}
	r, ok := l.regionAt[k.Region]
	if !ok || step < 0 || step >= len(l.dates) {
		return 0, false
	}
	m, ok := l.measureAt[[2]string{k.Metric, k.Entity}]
	if !ok {
		return 0, false
	}
	return (step*len(l.regions)+r)*len(l.metrics) + m, true
}

// same checks that l and o hold the same keys in the same order.
func (l *Layout) same(o *Layout) error {
	if l == o {
		return nil
	}
	if l.Len() != o.Len() {
		return fmt.Errorf("%d rows, want %d: every run must hold the same values", o.Len(), l.Len())
	}
	if l.keys == nil && o.keys == nil && slices.Equal(l.regions, o.regions) && slices.Equal(l.metrics, o.metrics) &&
		slices.Equal(l.entities, o.entities) && slices.EqualFunc(l.dates, o.dates, time.Time.Equal) {
		return nil
	}
	for i := range l.Len() {
		x, y := l.Key(i), o.Key(i)
		if x.Step != y.Step || x.Region != y.Region || x.Metric != y.Metric || x.Entity != y.Entity {
			return fmt.Errorf("row %d is step %d %s %s %s, want step %d %s %s %s: every run must hold the same values in the same order",
				i+1, y.Step, y.Region, y.Metric, y.Entity, x.Step, x.Region, x.Metric, x.Entity)
		}
	}
	return nil
}

// Statistics is a table of statistics over replicates, read row by row
// in table order or looked up by key: a StatTable (read from a file), or
// the Runs of a job, whose statistics are computed as each row is read,
// so that no table of every row is built to write a file or to find a
// headline figure.
type Statistics interface {
	// Len returns the number of rows.
	Len() int
	// Replicates returns the number of replicates summarised.
	Replicates() int
	// Stat returns row i.
	Stat(i int) StatRow
	// Lookup returns the row of k at step, and whether there is one.
	Lookup(step int, k Key) (StatRow, bool)
}

// Len returns the number of rows of st.
func (st *StatTable) Len() int {
	if st == nil {
		return 0
	}
	return len(st.Rows)
}

// Replicates returns st.Runs.
func (st *StatTable) Replicates() int { return st.Runs }

// Stat returns st.Rows[i].
func (st *StatTable) Stat(i int) StatRow { return st.Rows[i] }

// Lookup returns the row of k at step (the last such row of its step
// when a table read from a file repeats it). The rows of a table in step
// order, as written, are found by bisection; others by a scan.
func (st *StatTable) Lookup(step int, k Key) (StatRow, bool) {
	if st == nil {
		return StatRow{}, false
	}
	rows := st.Rows
	match := func(r *StatRow) bool {
		return r.Step == step && r.Region == k.Region && r.Metric == k.Metric && r.Entity == k.Entity
	}
	lo := sort.Search(len(rows), func(i int) bool { return rows[i].Step >= step })
	found := -1
	for i := lo; i < len(rows) && rows[i].Step == step; i++ {
		if match(&rows[i]) {
			found = i
		}
	}
	if found < 0 {
		// Rows out of step order may hide it from the bisection: scan.
		for i := range rows {
			if match(&rows[i]) {
				found = i
			}
		}
	}
	if found < 0 {
		return StatRow{}, false
	}
	return rows[found], true
}
