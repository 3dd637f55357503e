package calibrate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadDataErrors(t *testing.T) {
	c := loadConfig(t, "flagship-like.yaml")
	for _, tc := range []struct{ file, want string }{
		{"unknown-metric.csv", `unknown-metric.csv: row 3, column 3 (metric): unknown metric "adopton"; valid metrics: adoption, single_homing`},
		{"unknown-entity.csv", `unknown-entity.csv: row 2, column 4 (entity): unknown entity "paypal" of metric adoption; valid: alipay, wechat_pay`},
		{"unknown-region.csv", `unknown-region.csv: row 2, column 2 (region): unknown region "south"; valid: all, city, rural`},
		{"outside-horizon.csv", `outside-horizon.csv: row 3, column 1 (period): period 2030 is outside the horizon (2024-01-01 to 2025-06-29)`},
		{"non-numeric.csv", `non-numeric.csv: row 2, column 5 (value): want a finite number, got "high"`},
		{"bad-period.csv", `bad-period.csv: row 2, column 1 (period): period "2024-13": want a day (2024-09-12), a month (2024-09), a quarter (2024-Q3) or a year (2024)`},
		{"missing-column.csv", `missing-column.csv: row 1: missing column "entity"`},
		{"unknown-column.csv", `unknown-column.csv: row 1, column 6 (notes): unknown column "notes"; valid columns: period, region, metric, entity, value, weight, sd`},
		{"zero-sd.csv", `zero-sd.csv: row 2, column 6 (sd): must be positive, got 0`},
		{"duplicate.csv", `duplicate.csv: row 3: all adoption alipay in 2024-Q1 is already observed in row 2`},
		{"short-row.csv", `short-row.csv: row 2, column 1: invalid CSV: wrong number of fields`},
		{"no-rows.csv", `no-rows.csv: no data rows after the header`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "bad", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = ReadData(f, tc.file, c)
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			var re *RowError
			if !errors.As(err, &re) {
				t.Errorf("error %v is not a *RowError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestPeriodSteps(t *testing.T) {
	c := loadConfig(t, "flagship-like.yaml") // weekly from Monday 2024-01-01
	h := loadConfig(t, "history-like.yaml")  // monthly from 2016-01-01
	for _, tc := range []struct {
		name        string
		monthly     bool
		period      string
		first, last int
	}{
		{"day in a week", false, "2024-01-10", 1, 1},
		{"month of weeks", false, "2024-02", 5, 8},
		{"quarter of weeks", false, "2024-Q1", 0, 12},
		{"day in a month", true, "2016-03-31", 2, 2},
		{"month", true, "2016-03", 2, 2},
		{"year of months", true, "2017", 12, 23},
	} {
		cfg := c
		if tc.monthly {
			cfg = h
		}
		from, to, err := ParsePeriod(tc.period)
		if err != nil {
			t.Fatal(err)
		}
		first, last, ok := steps(cfg, from, to)
		if !ok || first != tc.first || last != tc.last {
			t.Errorf("%s: steps of %s = %d..%d (%v), want %d..%d", tc.name, tc.period, first, last, ok, tc.first, tc.last)
		}
	}
	if _, _, err := ParsePeriod("2024-Q5"); err == nil {
		t.Error("ParsePeriod(2024-Q5): got no error")
	}
	_ = time.UTC
}
