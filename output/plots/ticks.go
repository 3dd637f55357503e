package plots

import (
	"math"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// dateTicks marks calendar dates on an axis of Unix seconds: years,
// half-years, quarters or months, whichever is the finest whose labels fit
// side by side in width with a gap of one em. Year steps are labelled
// "2024"; finer steps "Jan 2024" at the first label and every January and
// "Apr", "Jul", ... in between.
type dateTicks struct {
	width vg.Length  // length of the axis
	style text.Style // tick label style
	bare  bool       // ticks without labels: a panel below gives them

	// The last ticks returned and what they were for: laying a figure
	// out asks for the same ticks hundreds of times.
	memo struct {
		width, min, max float64
		bare            bool
		ticks           []plot.Tick
	}
	// The candidate ticks of each of tickSteps for the range min to max,
	// with the width of their widest label: they do not depend on the
	// axis's length, which changes at every try of a layout.
	steps struct {
		min, max float64
		cands    []stepTicks
	}
}

// stepTicks are the ticks of one of tickSteps over an axis's range.
type stepTicks struct {
	ticks  []plot.Tick // labelled, then the minor ticks
	major  int         // labelled ticks, the first of ticks
	widest vg.Length   // of the labels
}

// tickSteps are the candidate label steps in months, with the minor tick
// step that goes with each.
var tickSteps = []struct{ major, minor int }{
	{1, 0}, {3, 1}, {6, 3}, {12, 3}, {24, 12}, {60, 12}, {120, 60},
}

func (t *dateTicks) Ticks(min, max float64) []plot.Tick {
	m := &t.memo
	if m.ticks == nil || m.width != float64(t.width) || m.min != min || m.max != max || m.bare != t.bare {
		m.width, m.min, m.max, m.bare = float64(t.width), min, max, t.bare
		m.ticks = t.ticks(min, max)
	}
	return slices.Clone(m.ticks)
}

func (t *dateTicks) ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return nil
	}
	span := max - min
	gap := t.style.Width("M")
	cands := t.candidates(min, max)
	for k, s := range tickSteps {
		c := cands[k]
		spacing := t.width * vg.Length(float64(s.major)*30.4*86400/span)
		if k < len(tickSteps)-1 && c.widest+gap > spacing {
			continue
		}
		ticks := slices.Clone(c.ticks)
		if t.bare {
			blank(ticks)
		}
		return ticks
	}
	return nil
}

// candidates returns the ticks of every one of tickSteps over min to max
// (max > min), in order, measured once for that range.
func (t *dateTicks) candidates(min, max float64) []stepTicks {
	m := &t.steps
	if m.cands != nil && m.min == min && m.max == max {
		return m.cands
	}
	lo := time.Unix(int64(math.Ceil(min)), 0).UTC()
	hi := time.Unix(int64(math.Floor(max)), 0).UTC()
	cands := make([]stepTicks, len(tickSteps))
	for k, s := range tickSteps {
		ticks := monthTicks(lo, hi, s.major, true)
		c := stepTicks{major: len(ticks)}
		for _, tk := range ticks {
			c.widest = vg.Length(math.Max(float64(c.widest), float64(t.style.Width(tk.Label))))
		}
		if s.minor > 0 {
			for _, m := range monthTicks(lo, hi, s.minor, false) {
				if !hasTick(ticks[:c.major], m.Value) {
					ticks = append(ticks, m)
				}
			}
		}
		c.ticks = ticks
		cands[k] = c
	}
	m.min, m.max, m.cands = min, max, cands
	return cands
}

func hasTick(ts []plot.Tick, v float64) bool {
	for _, t := range ts {
		if t.Value == v {
			return true
		}
	}
	return false
}

// monthTicks returns a tick at the first day of every month in [lo, hi]
// whose index (year*12 + month-1) is a multiple of step, labelled when
// label is true.
func monthTicks(lo, hi time.Time, step int, label bool) []plot.Tick {
	var ts []plot.Tick
	d := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	if d.Before(lo) {
		d = d.AddDate(0, 1, 0)
	}
	first := true
	for ; !d.After(hi); d = d.AddDate(0, 1, 0) {
		if (d.Year()*12+int(d.Month())-1)%step != 0 {
			continue
		}
		t := plot.Tick{Value: float64(d.Unix())}
		if label {
			switch {
			case step >= 12:
				t.Label = d.Format("2006")
			case first || d.Month() == time.January:
				t.Label = d.Format("Jan 2006")
			default:
				t.Label = d.Format("Jan")
			}
			first = false
		}
		ts = append(ts, t)
	}
	return ts
}

// percentTicks marks 0, 25, 50, 75 and 100 on an axis of percentages,
// or only 0, 50 and 100 with minor ticks between when the axis is too short
// for five labels to breathe.
type percentTicks struct {
	height vg.Length  // length of the axis
	style  text.Style // tick label style
	bare   bool       // ticks without labels: the panel at the left of the row gives them
}

func (t *percentTicks) Ticks(min, max float64) []plot.Tick {
	ts := []plot.Tick{
		{Value: 0, Label: "0"}, {Value: 25, Label: "25"}, {Value: 50, Label: "50"},
		{Value: 75, Label: "75"}, {Value: 100, Label: "100"},
	}
	if t.height < 4*1.8*t.style.Height("0") {
		ts[1].Label, ts[3].Label = "", ""
	}
	if t.bare {
		blank(ts)
	}
	return ts
}

// blank removes the labels of ts; gonum then draws them as minor ticks
// and reserves no room for labels.
func blank(ts []plot.Tick) {
	for i := range ts {
		ts[i].Label = ""
	}
}

// niceTicks returns labelled ticks from 0 to the first tick at or above
// max, at most n of them (n >= 2), at a step of 1, 2, 2.5 or 5 times a
// power of ten, and that top tick.
func niceTicks(max float64, n int) (plot.ConstantTicks, float64) {
	if !(max > 0) {
		max = 1
	}
	n = maxInt(n, 2)
	mag := math.Pow(10, math.Floor(math.Log10(max/float64(n-1))))
	var step float64
search:
	for ; ; mag *= 10 {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step = m * mag
			if math.Ceil(max/step-1e-9) <= float64(n-1) {
				break search
			}
		}
	}
	top := math.Ceil(max/step-1e-9) * step
	var ts plot.ConstantTicks
	for i := 0; float64(i)*step <= top+step/2; i++ {
		v := float64(i) * step
		ts = append(ts, plot.Tick{Value: v, Label: formatNumber(v)})
	}
	return ts, top
}

// niceRange returns labelled ticks from the last tick at or below lo to
// the first at or above hi, both taken to include 0, at most n of them
// (n >= 2), at a step of 1, 2, 2.5 or 5 times a power of ten, and the
// range they span. 0 is always a tick, so a range with values on both
// sides of it has at least three, whatever n. With lo and hi both 0 the
// range is -1 to 1. Negative labels take a minus sign (U+2212), not a
// hyphen.
func niceRange(lo, hi float64, n int) (plot.ConstantTicks, float64, float64) {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if !(hi > lo) {
		lo, hi = -1, 1
	}
	n = maxInt(n, 2)
	if lo < 0 && hi > 0 {
		// Below 0, 0 and above 0. With two, no step would do: the search
		// would run on until hi was lost in the rounding slack, giving
		// an axis from -10^k (k as large as 8 for hi/|lo| of 2%) to 0
		// that leaves hi off the axis and squashes the data onto 0.
		n = maxInt(n, 3)
	}
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(n-1))))
	var step, bot, top float64
search:
	for ; ; mag *= 10 {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step = m * mag
			bot = math.Floor(lo/step+1e-9) * step
			top = math.Ceil(hi/step-1e-9) * step
			if math.Round((top-bot)/step) <= float64(n-1) {
				break search
			}
		}
	}
	bot, top = clean(bot), clean(top)
	var ts plot.ConstantTicks
	for k := math.Round(bot / step); k*step <= top+step/2; k++ {
		v := clean(k * step)
		l := formatNumber(v)
		if v < 0 {
			l = "\u2212" + l[1:]
		}
		if v == 0 {
			l = "0"
		}
		ts = append(ts, plot.Tick{Value: v, Label: l})
	}
	return ts, bot, top
}

// clean rounds away the last digits of floating-point noise, such as
// -3*0.2 = -0.6000000000000001, and negative zero.
func clean(v float64) float64 {
	c, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return c + 0
}

func maxInt(a, b int) int { return max(a, b) }

func formatNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}
