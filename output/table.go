package output

import (
	"time"

	"github.com/interopsim/interopsim/sim"
)

// AllRegions is the region column's value for totals over every region.
const AllRegions = "all"

// Row is one line of metrics.csv: the value of one metric of one entity in
// one region at one step of one run.
type Row struct {
	// Run is the replicate index (0 for a single run).
	Run int
	// Step is the step index, from 0.
	Step int
	// Date is the first day of the step.
	Date time.Time
	// Region is a region name or AllRegions.
	Region string
	// Metric is one of sim.Metrics' names.
	Metric string
	// Entity is a method, a platform, "platform/method" or "2+".
	Entity string
	// Value is the measured value; NaN when undefined (a share of zero).
	Value float64
}

// Table is the tidy long table written as metrics.csv, in its row order:
// run, step, region (Config order, then AllRegions), then the order of
// sim.Result.Measures.
type Table struct {
	Rows []Row
}

// FromResult returns the table of every measure of res, for every step,
// every region and all regions together.
func FromResult(res *sim.Result) *Table {
	c := res.Config
	t := &Table{}
	for n := range res.Steps {
		date := c.Date(n)
		for k := 0; k <= len(c.Regions); k++ {
			i, name := k, AllRegions
			if k == len(c.Regions) {
				i = -1
			} else {
				name = c.Regions[k].Name
			}
			for _, m := range res.Measures(n, i) {
				t.Rows = append(t.Rows, Row{
					Run: res.Run, Step: n, Date: date, Region: name,
					Metric: m.Metric, Entity: m.Entity, Value: m.Value,
				})
			}
		}
	}
	return t
}
