package calendar

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Duration
	}{
		{"14d", Duration{14, Day}},
		{"0d", Duration{0, Day}},
		{"2w", Duration{2, Week}},
		{"13w", Duration{13, Week}},
		{"18m", Duration{18, Month}},
		{"5y", Duration{5, Year}},
		{"1000000d", Duration{MaxN, Day}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q): got %v, %v; want %v", tc.in, got, err, tc.want)
			}
			if got.String() != tc.in {
				t.Errorf("String: got %q, want %q", got.String(), tc.in)
			}
		})
	}
	for _, in := range []string{"", "m", "3", "3x", "-3m", "+3m", "3 m", "1.5m", "3M", "1000001d", "99999999999999999999y"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q): got %v, want an error", in, got)
		}
	}
}

func TestAfter(t *testing.T) {
	for _, tc := range []struct {
		d          string
		from, want string
		days       int
	}{
		{"14d", "2024-09-12", "2024-09-26", 14},
		{"2w", "2024-09-12", "2024-09-26", 14},
		{"1m", "2024-03-15", "2024-04-15", 31},
		{"1m", "2024-02-01", "2024-03-01", 29},
		// The day is kept when the month has it, else the month's last day.
		{"1m", "2024-01-31", "2024-02-29", 29},
		{"1m", "2023-01-31", "2023-02-28", 28},
		{"1m", "2024-01-29", "2024-02-29", 31},
		{"3m", "2024-10-31", "2025-01-31", 92},
		{"4m", "2024-10-29", "2025-02-28", 122},
		{"1y", "2024-02-29", "2025-02-28", 365},
		{"5y", "2023-01-02", "2028-01-02", 1826},
		{"0m", "2024-01-31", "2024-01-31", 0},
	} {
		t.Run(tc.d+" after "+tc.from, func(t *testing.T) {
			d, err := Parse(tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.After(day(tc.from)); !got.Equal(day(tc.want)) {
				t.Errorf("After: got %s, want %s", got.Format("2006-01-02"), tc.want)
			}
			if got := d.Days(day(tc.from)); got != tc.days {
				t.Errorf("Days: got %d, want %d", got, tc.days)
			}
		})
	}
}

func TestBefore(t *testing.T) {
	for _, tc := range []struct{ d, from, want string }{
		{"26w", "2023-01-02", "2022-07-04"},
		{"1m", "2024-03-31", "2024-02-29"},
		{"6m", "2023-01-02", "2022-07-02"},
		{"1y", "2024-02-29", "2023-02-28"},
	} {
		d, _ := Parse(tc.d)
		if got := d.Before(day(tc.from)); !got.Equal(day(tc.want)) {
			t.Errorf("%s before %s: got %s, want %s", tc.d, tc.from, got.Format("2006-01-02"), tc.want)
		}
	}
}
