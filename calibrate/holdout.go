package calibrate

import "math"

// HoldoutSeries is the forecast of one series after the holdout date.
type HoldoutSeries struct {
	Key Key
	// N is the number of held-out points.
	N int
	// MAE is the mean absolute error of the fitted model on them, and
	// NaiveMAE that of the naive forecast: the series' last fitted
	// observation carried forward (NaN when the series has none). Both
	// are in the metric's unit; x100 in percentage points for shares.
	MAE, NaiveMAE float64
	// Share says whether the metric is a share.
	Share bool
}

// holdout returns the forecast report of every series with held-out
// points, in order of first appearance.
func holdout(d *Data, pts []FitPoint) []HoldoutSeries {
	var out []HoldoutSeries
	for _, k := range d.Series() {
		h := HoldoutSeries{Key: k, Share: isShare(k.Metric), NaiveMAE: math.NaN()}
		naive, naiveTo := math.NaN(), 0
		var abs, naiveAbs float64
		for i, p := range pts {
			if p.Key == k && p.Set == Fitted && (math.IsNaN(naive) || !p.To.Before(pts[naiveTo].To)) {
				naive, naiveTo = p.Value, i
			}
		}
		for _, p := range pts {
			if p.Key != k || p.Set != Held {
				continue
			}
			h.N++
			abs += math.Abs(p.Fitted - p.Value)
			naiveAbs += math.Abs(naive - p.Value)
		}
		if h.N == 0 {
			continue
		}
		h.MAE = abs / float64(h.N)
		if !math.IsNaN(naive) {
			h.NaiveMAE = naiveAbs / float64(h.N)
		}
		out = append(out, h)
	}
	return out
}
