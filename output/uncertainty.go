package output

import (
	"fmt"
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
