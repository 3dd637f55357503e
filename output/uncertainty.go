package output

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// Uncertainty says what the intervals of a job include: the sampling
// noise of the agent engine's replicates, the uncertainty of the
// parameters (replicates run with parameter sets drawn from a
// distribution, such as the draws.csv of 'interopsim calibrate'), or
// both. summary.json records it as "uncertainty".
type Uncertainty struct {
	// Sampling says that replicates differ by their random numbers (the
	// agent engine); the mean-field engine has no sampling noise.
	Sampling bool `json:"sampling"`
	// Parameters describes the parameter draws; nil without them.
	Parameters *ParameterDraws `json:"parameters"`
}

// ParameterDraws describes the parameter sets of a job's replicates.
type ParameterDraws struct {
	// Draws is the number of parameter sets K: replicate r ran with set
	// r mod K, the first K draws of the file.
	Draws int `json:"draws"`
	// Source is the draws file as the scenario or --draws names it, and
	// SHA256 the hex SHA-256 of its bytes.
	Source string `json:"source"`
	SHA256 string `json:"sha256"`
	// Method is how the file's draws were made (its "# interopsim
	// draws: method=..." comment: sir or laplace), or "unknown".
	Method string `json:"method"`
	// Params are the parameters drawn, named as in set events.
	Params []string `json:"params"`
}

// Label says in words what an interval of runs replicates with u
// includes, for figure notes, reports and the terminal: "sampling noise
// only", "sampling noise and parameter uncertainty (20 parameter draws,
// sir, from draws.csv)" (the file's base name) or "parameter uncertainty only (...)". A nil u
// is sampling noise only.
func (u *Uncertainty) Label() string {
	if u == nil || u.Parameters == nil {
		return "sampling noise only; parameter uncertainty not included"
	}
	p := u.Parameters
	what := fmt.Sprintf("%d parameter draws of %s, %s, from %s", p.Draws, strings.Join(p.Params, ", "), p.Method, filepath.Base(p.Source))
	if !u.Sampling {
		return "parameter uncertainty only (" + what + "; the mean-field engine has no sampling noise)"
	}
	return "sampling noise and parameter uncertainty (" + what + ")"
}

// ParameterShares estimates, for every row of rows (the effects table of
// a comparison), how much of the variance of its paired differences
// comes from the parameter sets rather than from sampling noise, and
// sets the row's ParameterShare. diff holds the paired differences
// (Runs.Difference), replicate r having run with parameter set r mod k;
// sampling says whether replicates also differ by their random numbers
// (the agent engine).
//
// By the law of total variance, Var = E[Var | set] + Var[E | set]. The
// estimate is that of a one-way random-effects analysis of variance: the
// sampling variance σ²w is the pooled variance within sets, and the
// parameter variance σ²p the variance of the sets' means less the part
// of it that sampling noise explains (σ²w times the mean of 1/n over
// sets), floored at 0; the share is σ²p/(σ²p+σ²w). Without sampling
// noise the share is 1. It is left nil where it cannot be told apart:
// fewer than 2 sets, no set with 2 replicates while there is sampling
// noise, or no variance at all. With few replicates per set it is a
// rough estimate.
func ParameterShares(rows []EffectRow, diff *Runs, k int, sampling bool) {
	for i := range rows {
		r := &rows[i]
		r.ParameterShare = nil
		j, ok := diff.Layout.Find(r.Step, r.Key)
		if !ok || k < 2 {
			continue
		}
		sets := make([][]float64, k)
		for run, vals := range diff.Values {
			if v := vals[j]; !math.IsNaN(v) {
				sets[run%k] = append(sets[run%k], v)
			}
		}
		if share, ok := parameterShare(sets, sampling); ok {
			r.ParameterShare = &share
		}
	}
}

// parameterShare returns the share of the variance of the values of
// sets (one slice per parameter set) that the sets explain (see
// ParameterShares), and whether it is defined.
func parameterShare(sets [][]float64, sampling bool) (float64, bool) {
	var means []float64
	var ssw, inv float64
	dfw := 0
	for _, xs := range sets {
		if len(xs) == 0 {
			continue
		}
		var m float64
		for _, x := range xs {
			m += x / float64(len(xs))
		}
		for _, x := range xs {
			ssw += (x - m) * (x - m)
		}
		dfw += len(xs) - 1
		inv += 1 / float64(len(xs))
		means = append(means, m)
	}
	g := len(means)
	if g < 2 {
		return 0, false
	}
	var grand, vb float64
	for _, m := range means {
		grand += m / float64(g)
	}
	for _, m := range means {
		vb += (m - grand) * (m - grand) / float64(g-1)
	}
	if !sampling {
		return 1, vb > 0
	}
	if dfw == 0 {
		return 0, false
	}
	vw := ssw / float64(dfw)
	vp := math.Max(0, vb-vw*inv/float64(g))
	if vp+vw == 0 {
		return 0, false
	}
	return vp / (vp + vw), true
}
