package scenarios

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// AgentForms lists, for messages and help, the ways a number of agents
// may be written: in a scenario's agents key and in the CLI's --agents.
const AgentForms = "100000, 100_000, 100,000, 100k, 2m, 1.5M or 4e5 (k or K is a thousand, m or M a million, b or bn a billion)"

// agentsRE matches the forms of AgentForms: a sign (refused later with a
// clearer message), digits grouped by _ or by commas in threes, a
// fraction, and an exponent or a suffix.
var agentsRE = regexp.MustCompile(`^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)?(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]{1,3})|(k|m|b|bn))?$`)

// suffixes are the multipliers of the suffixes of agentsRE, lower-cased.
var suffixes = map[string]int64{"": 1, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}

// ParseAgents reads a number of agents written in one of the forms of
// AgentForms: 250000, 250_000, 250,000, 250k, 1.5M, 2m (m and M both mean
// million, never milli), 4e5 or 1b. After scaling the number must be a
// whole number from 1 to MaxAgents: 1.5k is 1500, but 1.0005k is refused.
// The error says what is wrong and lists the accepted forms.
func ParseAgents(s string) (int, error) {
	t := strings.TrimSpace(s)
	m := agentsRE.FindStringSubmatch(strings.ToLower(t))
	if m == nil || m[2] == "" && m[3] == "" {
		return 0, fmt.Errorf("must be a whole number such as %s, got %q", AgentForms, s)
	}
	sign, whole, frac, exp, suffix := m[1], m[2], m[3], m[4], m[5]
	num := strings.NewReplacer("_", "", ",", "").Replace(whole)
	if num == "" {
		num = "0"
	}
	if frac != "" {
		num += "." + frac
	}
	if exp != "" {
		num += "e" + exp
	}
	x, ok := new(big.Rat).SetString(num)
	if !ok {
		// Unreachable: agentsRE admits only what SetString reads.
		return 0, fmt.Errorf("must be a whole number such as %s, got %q", AgentForms, s)
	}
	x.Mul(x, new(big.Rat).SetInt64(suffixes[suffix]))
	switch {
	case sign == "-" && x.Sign() != 0 || x.Sign() == 0:
		return 0, fmt.Errorf("must be positive, got %s; write a number such as %s", t, AgentForms)
	case !x.IsInt():
		if suffix == "" && exp == "" {
			return 0, fmt.Errorf("must be a whole number, got %s; write a number such as %s", t, AgentForms)
		}
		return 0, fmt.Errorf("must be a whole number, got %s, which is %s", t, decimal(x))
	case x.Num().Cmp(big.NewInt(MaxAgents)) > 0:
		return 0, fmt.Errorf("must be at most %d, got %s", MaxAgents, t)
	}
	return int(x.Num().Int64()), nil
}

// decimal writes x, which is not an integer, as a decimal with at most
// 12 digits after the point, or as a fraction when those are all zeros.
func decimal(x *big.Rat) string {
	d := strings.TrimRight(x.FloatString(12), "0")
	if strings.HasSuffix(d, ".") {
		return x.RatString()
	}
	return d
}
