package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/interopsim/interopsim/internal/readfile"
	"github.com/interopsim/interopsim/internal/suggest"
	"github.com/interopsim/interopsim/sim"
)

// Default is the name of the built-in scenario used when none is given:
// Taobao/Tmall opening to WeChat Pay in September 2024.
const Default = "taobao-wechat-pay"

// MaxSteps is the longest horizon a scenario may have, in steps.
const MaxSteps = 100000

// MaxAgents is the largest number of simulated agents a scenario may ask
// for (the engine indexes agents with 32-bit integers).
const MaxAgents = math.MaxInt32

// MaxFileBytes is the largest scenario file Load reads: 10 MiB, a
// thousand times the largest built-in scenario, and little enough memory
// for the YAML tree of its nodes. Load refuses larger files, and files
// that are not regular files (a named pipe, a device such as /dev/zero).
const MaxFileBytes = 10 << 20

// MaxDataBytes is the largest calibration data file CalibrationData
// reads: 64 MiB, a million observations.
const MaxDataBytes = 64 << 20

// DefaultAgents is the number of agents of a scenario without an agents
// key.
const DefaultAgents = 200000

// FieldError is one located mistake in a scenario file.
type FieldError struct {
	// File is the path the scenario was read from, as given to Parse.
	File string
	// Line and Column locate the offending YAML node, counting from 1.
	// Column is 0 when the YAML library does not report one (syntax
	// errors); Line is 0 when it reports neither.
	Line, Column int
	// Field is the path of the offending key, with the file's keys and
	// list indices in brackets, for example regions[2].population or
	// events[0].platform; it is empty for mistakes of the file as a whole.
	Field string
	// Msg says what is wrong and what would be valid.
	Msg string
}

// Error returns the mistake as file:line:column: field: message, for
// example "flagship.yaml:14:5: regions[2].population: must be positive,
// got 0". Parts that are unknown (no file, no column, no field) are left
// out.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(":")
		if e.Column > 0 {
			b.WriteString(strconv.Itoa(e.Column))
			b.WriteString(":")
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Scenario is a parsed and resolved scenario file.
type Scenario struct {
	// Config is the engine input, with every default resolved and the
	// agents allocated to segments.
	Config sim.Config
	// Description is the file's free text description.
	Description string
	// Seed is the random seed of the run.
	Seed uint64
	// Agents is the total number of simulated agents, the sum over all
	// segments of Config.
	Agents int
	// Currency is the label of the value unit (baskets, GMV), "CNY" by
	// default.
	Currency string
	// File is the path the scenario was read from, or "builtin:<name>".
	File string
	// Source holds the exact bytes read; the CLI hashes them to record
	// what a run was made from.
	Source []byte
	// Calibration is the calibrate section, or nil when there is none
	// ('interopsim calibrate' reads it; the engine does not).
	Calibration *Calibration
	// ParameterDraws is the parameter_draws key, or nil when there is
	// none (see draws.go; the engine does not read it).
	ParameterDraws *ParameterDraws
	// Sweep is the sweep section, or nil when there is none ('interopsim
	// sweep' reads it; the engine does not).
	Sweep *Sweep

	// loyalty is the file's behaviour.loyalty, the default loyalty of
	// platforms; Marshal writes it back.
	loyalty float64
}

// SetSeed sets the random seed of the run.
func (s *Scenario) SetSeed(seed uint64) { s.Seed = seed }

// SetAgents reallocates n agents over all segments of all regions in
// proportion to the people each stands for (region population times
// segment share). The allocation uses largest remainders, ties going to
// the segment declared first, so it is deterministic; a segment whose
// share would round to no agent gets one, taken from the others. It
// returns an error if n is not positive, is larger than MaxAgents, or is
// smaller than the number of segments (every segment needs an agent).
func (s *Scenario) SetAgents(n int) error {
	segs, least := 0, 0
	for _, r := range s.Config.Regions {
		segs += len(r.Segments)
	}
	for _, x := range leastAgents(&s.Config) {
		least += x
	}
	switch {
	case n <= 0:
		return fmt.Errorf("agents must be positive, got %d", n)
	case n > MaxAgents:
		return fmt.Errorf("agents must be at most %d, got %d", MaxAgents, n)
	case n < segs:
		return fmt.Errorf("agents must be at least the number of segments (%d), got %d", segs, n)
	case n < least:
		return fmt.Errorf("agents must be at least %d, one for each preference class with people in each segment, got %d", least, n)
	}
	allocate(&s.Config, n)
	s.Agents = n
	return nil
}

// PopulationAgents returns the number of agents that gives one agent per
// person: the sum of the regions' largest populations, rounded. It fails
// when that is more than MaxAgents.
func (s *Scenario) PopulationAgents() (int, error) {
	var people float64
	for i := range s.Config.Regions {
		people += s.Config.PeakPopulation(i)
	}
	n := math.Round(people)
	if n > MaxAgents {
		return 0, fmt.Errorf("one agent per person of scenario %s would be %.0f agents, more than the most the engines index, %d", s.Config.Name, n, MaxAgents)
	}
	return int(n), nil
}

// leastAgents returns, per segment of c in order, the least number of
// agents it can have: one for each preference class with people in it
// (one without classes).
func leastAgents(c *sim.Config) []int {
	var out []int
	for _, r := range c.Regions {
		for _, sg := range r.Segments {
			n := 0
			for _, x := range sg.ClassShares {
				if x > 0 {
					n++
				}
			}
			out = append(out, max(n, 1))
		}
	}
	return out
}

// allocate spreads n agents over the segments of c's regions, in place,
// in proportion to the people they stand for at the regions' peak
// population (sim.Config.PeakPopulation). It assumes n is at least the
// number of segments and every population and share positive and finite.
func allocate(c *sim.Config, n int) {
	regions := c.Regions
	peak := make([]float64, len(regions))
	maxPop := 0.0
	for i := range regions {
		peak[i] = c.PeakPopulation(i)
		maxPop = math.Max(maxPop, peak[i])
	}
	var weights []float64
	for i, r := range regions {
		for _, sg := range r.Segments {
			// Dividing by the largest population keeps every weight in
			// (0,1] whatever the populations' magnitude.
			weights = append(weights, peak[i]/maxPop*sg.Share)
		}
	}
	counts := apportionMin(weights, n, leastAgents(c))
	i := 0
	for r := range regions {
		for g := range regions[r].Segments {
			regions[r].Segments[g].Agents = counts[i]
			i++
		}
	}
}

// apportion divides n among len(w) parties in proportion to the weights w
// by largest remainders, giving each party at least one. Parties whose
// quota is below one get exactly one and are set aside, and the rest is
// apportioned among the others, until every remaining quota is at least
// one. Ties in remainders go to the lower index.
func apportion(w []float64, n int) []int {
	ones := make([]int, len(w))
	for i := range ones {
		ones[i] = 1
	}
	return apportionMin(w, n, ones)
}

// apportionMin is apportion with a least number of agents per party,
// least[i] (at least 1), instead of one: parties whose quota is below
// their least get exactly it. n must be at least the sum of least.
func apportionMin(w []float64, n int, least []int) []int {
	k := len(w)
	out := make([]int, k)
	if k == 0 {
		return out
	}
	fixed := make([]bool, k)
	var left int
	var quota []float64
	for {
		left = n
		total := 0.0
		for i := range w {
			if fixed[i] {
				left -= least[i]
			} else if w[i] > 0 {
				total += w[i]
			}
		}
		quota = make([]float64, k)
		changed := false
		for i := range w {
			if fixed[i] {
				continue
			}
			if total > 0 && w[i] > 0 {
				quota[i] = float64(left) * w[i] / total
			}
			if quota[i] < float64(least[i]) {
				fixed[i], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	sum := 0
	for i := range w {
		if fixed[i] {
			out[i] = least[i]
			continue
		}
		f := math.Floor(quota[i])
		out[i] = int(f)
		sum += out[i]
		rems = append(rems, rem{i, quota[i] - f})
	}
	if len(rems) == 0 {
		// Every party was set aside; rounding can leave agents over.
		out[0] += left
		return out
	}
	// Stable order: larger remainder first, then lower index.
	for a := 1; a < len(rems); a++ {
		for b := a; b > 0 && rems[b].r > rems[b-1].r; b-- {
			rems[b], rems[b-1] = rems[b-1], rems[b]
		}
	}
	for j := 0; sum < left; j = (j + 1) % len(rems) {
		out[rems[j].i]++
		sum++
	}
	// Floating-point quotas can overshoot by a unit; take it back from
	// the smallest remainders, never below one agent.
	for changed := true; sum > left && changed; {
		changed = false
		for j := len(rems) - 1; j >= 0 && sum > left; j-- {
			if out[rems[j].i] > least[rems[j].i] {
				out[rems[j].i]--
				sum--
				changed = true
			}
		}
	}
	return out
}

// builtinFS holds the built-in scenarios and the data they cite and
// calibrate to (data/), so that they work from any directory.
//
//go:embed *.yaml data
var builtinFS embed.FS

// Builtin names and describes a built-in scenario.
type Builtin struct {
	// Name is what Load and Template accept.
	Name string
	// Description is a one-line summary.
	Description string
}

var builtins = []Builtin{
	{Default, "Taobao/Tmall start accepting WeChat Pay on 2024-09-12 (rolled out over 14 days); mainland China 2023-2027"},
	{"walled-gardens", "the counterfactual: the same world in which no platform changes what it accepts"},
	{"full-interop", "every platform accepts every payment method from the start"},
	{"jd-alipay", "the flagship plus JD accepting Alipay from 2024-10-29 (rolled out over 7 days)"},
	{"alipay-vs-wechat-2013", "history: WeChat Pay launches against Alipay in August 2013, with red packets, offline QR, transfers and funds; mainland China, monthly, 2013-07 to 2020-06"},
}

// Builtins returns the built-in scenarios, the flagship (Default) first,
// in a fixed order.
func Builtins() []Builtin { return append([]Builtin(nil), builtins...) }

// BuiltinNames returns the names of the built-in scenarios, in the order
// of Builtins.
func BuiltinNames() []string {
	names := make([]string, len(builtins))
	for i, b := range builtins {
		names[i] = b.Name
	}
	return names
}

func builtinNames() string { return strings.Join(BuiltinNames(), ", ") }

// nearestScenario returns "; did you mean X?" for a scenario name or
// path that is neither a built-in nor a file, or "". X is, first, the
// file NAME.yaml when it exists (interopsim init NAME writes it), or
// NAME.yaml for NAME.yml and the other way round; else the nearest of
// the built-ins (for a NAME without a directory) and the scenario files
// (.yaml, .yml) in NAME's directory.
func nearestScenario(name string) string {
	var alts []string
	switch ext := filepath.Ext(name); ext {
	case ".yml":
		alts = []string{strings.TrimSuffix(name, ext) + ".yaml"}
	case ".yaml":
		alts = []string{strings.TrimSuffix(name, ext) + ".yml"}
	default:
		alts = []string{name + ".yaml", name + ".yml"}
	}
	for _, alt := range alts {
		if fi, err := os.Stat(alt); err == nil && fi.Mode().IsRegular() {
			return "; did you mean " + alt + "?"
		}
	}
	// Names are compared without their directory, which all share.
	dir, base := filepath.Split(name)
	var candidates []string
	if dir == "" {
		candidates = BuiltinNames()
	}
	files := map[string]bool{}
	entries, _ := os.ReadDir(filepath.Clean(dir + ".")) // a directory that cannot be read offers no file
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); (ext == ".yaml" || ext == ".yml") && !e.IsDir() {
			candidates = append(candidates, e.Name())
			files[e.Name()] = true
		}
	}
	s := suggest.Nearest(base, candidates)
	switch {
	case s == "":
		return ""
	case files[s]:
		s = dir + s
	}
	return "; did you mean " + s + "?"
}

func isBuiltin(name string) bool {
	for _, b := range builtins {
		if b.Name == name {
			return true
		}
	}
	return false
}

// Template returns the commented source text of the built-in scenario
// from, for users to copy and edit (interopsim init NAME --from X).
func Template(from string) ([]byte, error) {
	if !isBuiltin(from) {
		return nil, fmt.Errorf("unknown built-in scenario %q (built-ins: %s)%s", from, builtinNames(), suggest.Hint(from, BuiltinNames()))
	}
	return builtinFS.ReadFile(from + ".yaml")
}

// Load reads and parses a scenario: a built-in if nameOrPath is the name
// of one, else the file at that path. If it names neither, the error lists
// the built-ins; errors reading the file are wrapped, so errors.Is(err,
// fs.ErrNotExist) works. Mistakes in the file are returned as by Parse.
func Load(nameOrPath string) (*Scenario, error) {
	if isBuiltin(nameOrPath) {
		data, err := builtinFS.ReadFile(nameOrPath + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("load built-in scenario %s: %w", nameOrPath, err)
		}
		return withDraws(Parse(data, "builtin:"+nameOrPath))
	}
	data, err := readfile.ReadFile(nameOrPath, "scenario file", MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("scenario %q is neither a built-in (%s) nor a readable file: %w%s", nameOrPath, builtinNames(), err, nearestScenario(nameOrPath))
	}
	if err != nil {
		return nil, fmt.Errorf("load scenario %s: %w", nameOrPath, err)
	}
	return withDraws(Parse(data, nameOrPath))
}

// WithoutAcceptance returns a copy of s without its acceptance events
// (accept and stop_accepting): the counterfactual in which every platform
// keeps accepting what it accepted at the start. Promotions and parameter
// changes stay. The copy is named "<name>-no-acceptance" and shares the
// seed and the allocation of agents, so that replicate i of both draws
// the same random numbers.
func (s *Scenario) WithoutAcceptance() *Scenario {
	b := *s
	b.Config.Name = s.Config.Name + "-no-acceptance"
	b.Description = "The scenario " + s.Config.Name + " without its acceptance events (the counterfactual of interopsim compare)."
	b.File = s.File + " without acceptance events"
	// SetAgents and SetSeed on the copy must not change s.
	b.Config.Regions = slices.Clone(s.Config.Regions)
	for i := range b.Config.Regions {
		b.Config.Regions[i].Segments = slices.Clone(b.Config.Regions[i].Segments)
	}
	b.Config.Events = nil
	for _, e := range s.Config.Events {
		if e.Kind != sim.Accept && e.Kind != sim.StopAccepting {
			b.Config.Events = append(b.Config.Events, e)
		}
	}
	return &b
}

// WithoutEvent returns a copy of s without its event Config.Events[i],
// keeping every other event: the baseline of interopsim compare --event,
// whose difference from s is that event's marginal effect. The copy is
// named after the event, like taobao-wechat-pay-without-taobao_tmall-wechat_pay
// for an acceptance event (with its date appended when the scenario has
// other acceptance events on the same platform and method), else
// <name>-without-event-<i+1>. It panics if i is out of range.
func (s *Scenario) WithoutEvent(i int) *Scenario {
	e := s.Config.Events[i]
	b := *s
	suffix := fmt.Sprintf("event-%d", i+1)
	if (e.Kind == sim.Accept || e.Kind == sim.StopAccepting) && e.Platform >= 0 && e.Method >= 0 {
		suffix = s.Config.Platforms[e.Platform].Name + "-" + s.Config.Methods[e.Method].Name
		for j, o := range s.Config.Events {
			if j != i && (o.Kind == sim.Accept || o.Kind == sim.StopAccepting) && o.Platform == e.Platform && o.Method == e.Method {
				suffix += "-" + e.Date.Format(dateLayout)
				break
			}
		}
	}
	b.Config.Name = s.Config.Name + "-without-" + suffix
	what := e.Label
	if what == "" {
		what = e.Kind.String()
	}
	b.Description = fmt.Sprintf("The scenario %s without its event %q on %s, keeping its other events (the baseline of interopsim compare --event).",
		s.Config.Name, what, e.Date.Format(dateLayout))
	b.File = fmt.Sprintf("%s without event %d", s.File, i+1)
	// SetAgents and SetSeed on the copy must not change s.
	b.Config.Regions = slices.Clone(s.Config.Regions)
	for k := range b.Config.Regions {
		b.Config.Regions[k].Segments = slices.Clone(b.Config.Regions[k].Segments)
	}
	b.Config.Events = slices.Delete(slices.Clone(s.Config.Events), i, i+1)
	if len(b.Config.Events) == 0 {
		b.Config.Events = nil
	}
	return &b
}
