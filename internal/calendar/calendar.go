package calendar

import (
	"fmt"
	"strconv"
	"time"
)

// Unit is the unit of a Duration.
type Unit uint8

// The units, as written after the number: d, w, m, y.
const (
	Day Unit = iota
	Week
	Month
	Year
)

// String returns the unit's letter: "d", "w", "m" or "y".
func (u Unit) String() string {
	if int(u) < len(unitLetters) {
		return unitLetters[u : u+1]
	}
	return "Unit(" + strconv.Itoa(int(u)) + ")"
}

const unitLetters = "dwmy"

// MaxN is the largest number a Duration may have.
const MaxN = 1000000

// Forms says what Parse accepts, for error messages.
const Forms = "a whole number and a unit d (days), w (weeks), m (calendar months) or y (years), like 14d, 2w, 18m or 5y"

// Duration is a length of calendar time: N units.
type Duration struct {
	N    int
	Unit Unit
}

// Parse reads a duration: a whole number of at most MaxN, without sign
// or spaces, and one unit letter, such as "14d", "2w", "18m" or "5y".
// Zero ("0d") is a duration; callers that need a positive one check N.
func Parse(s string) (Duration, error) {
	if len(s) < 2 {
		return Duration{}, fmt.Errorf("bad duration %q: want %s", s, Forms)
	}
	num, letter := s[:len(s)-1], s[len(s)-1]
	unit := -1
	for i := range len(unitLetters) {
		if unitLetters[i] == letter {
			unit = i
		}
	}
	for _, c := range []byte(num) {
		if c < '0' || c > '9' {
			unit = -1
		}
	}
	if unit < 0 {
		return Duration{}, fmt.Errorf("bad duration %q: want %s", s, Forms)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n > MaxN {
		return Duration{}, fmt.Errorf("duration %q is too long: at most %d of a unit", s, MaxN)
	}
	return Duration{N: n, Unit: Unit(unit)}, nil
}

// String returns d as Parse reads it, such as "18m".
func (d Duration) String() string { return strconv.Itoa(d.N) + d.Unit.String() }

// After returns the date d after t (see the package documentation for
// months and years).
func (d Duration) After(t time.Time) time.Time { return d.add(t, 1) }

// Before returns the date d before t: 1m before 2024-03-31 is
// 2024-02-29.
func (d Duration) Before(t time.Time) time.Time { return d.add(t, -1) }

// Days returns the number of days from t to d after t: 14 for 2w, 29 for
// 1m from 2024-02-01, 31 for 1m from 2024-03-01.
func (d Duration) Days(t time.Time) int {
	return int(d.After(t).Sub(t).Round(24*time.Hour) / (24 * time.Hour))
}

func (d Duration) add(t time.Time, sign int) time.Time {
	n := sign * d.N
	switch d.Unit {
	case Week:
		return t.AddDate(0, 0, 7*n)
	case Month:
		return addMonths(t, n)
	case Year:
		return addMonths(t, 12*n)
	}
	return t.AddDate(0, 0, n)
}

// addMonths returns t moved by n calendar months, on the same day of the
// month or, when the month reached is shorter, on its last day.
func addMonths(t time.Time, n int) time.Time {
	y, m, day := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(day, last)-1)
}
