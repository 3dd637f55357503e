package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/internal/calendar"
	"github.com/interopsim/interopsim/internal/suggest"
)

// YAML tags of the scalars the decoder reads.
const (
	tagStr       = "!!str"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagBool      = "!!bool"
	tagNull      = "!!null"
	tagTimestamp = "!!timestamp"
)

// Limits on what a scenario may contain.
const (
	maxMethods     = 8  // wallets are a bitmask in one byte of agent state
	maxPlatforms   = 15 // the last platform and "none" share four bits
	maxClasses     = 16 // each class is a group of agents with its own tables
	maxPartial     = 10 // the engine enumerates 2^k acceptance combinations
	maxNameLen     = 64
	dateLayout     = "2006-01-02"
	shareTolerance = 1e-9
)

var (
	minDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)

	identRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	colorRE    = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	durationRE = regexp.MustCompile(`^([0-9]+)([dwmy])$`)
)

// decoder walks a yaml.Node tree and collects every mistake it finds.
type decoder struct {
	file string
	errs []*FieldError
}

// fail records a mistake at node n (its line and column) for field.
func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	e := &FieldError{File: d.file, Field: field, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// sortErrs orders the mistakes by place in the file, keeping the order of
// discovery for mistakes at the same place.
func (d *decoder) sortErrs() {
	sort.SliceStable(d.errs, func(i, j int) bool {
		a, b := d.errs[i], d.errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// checkAliases reports every anchor and alias in the tree: scenario files
// do not support them, so that each value is written where it is used.
func (d *decoder) checkAliases(n *yaml.Node, depth int) {
	if n == nil || depth > 10000 {
		return
	}
	if n.Kind == yaml.AliasNode {
		d.fail(n, "", "aliases (*%s) are not supported in scenario files; write the value out", n.Value)
		return
	}
	if n.Anchor != "" {
		d.fail(n, "", "anchors (&%s) are not supported in scenario files; write the value out where it is used", n.Anchor)
	}
	for _, c := range n.Content {
		d.checkAliases(c, depth+1)
	}
}

// field joins a parent path and a key.
func field(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index returns path[i].
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// isNull says whether n is an explicit null (~, null or nothing).
func isNull(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == tagNull
}

// describe names what n holds, for messages such as "must be a number,
// got a list".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case tagNull:
			return "nothing"
		case tagStr:
			return fmt.Sprintf("the string %q", n.Value)
		case tagBool:
			return "the boolean " + n.Value
		case tagTimestamp:
			return "the date " + n.Value
		case tagInt, tagFloat:
			return "the number " + n.Value
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unexpected node"
}

// entry is one key of a mapping: its key node and value node.
type entry struct {
	key, val *yaml.Node
}

// mapping is a decoded YAML mapping with known keys.
type mapping struct {
	node    *yaml.Node
	path    string
	entries map[string]entry
	order   []string // keys in file order
}

// get returns the value of key, or nil if it is absent or null.
func (m *mapping) get(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	e, ok := m.entries[key]
	if !ok || isNull(e.val) {
		return nil
	}
	return e.val
}

// keyNode returns the key node of key, or nil if absent.
func (m *mapping) keyNode(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	return m.entries[key].key
}

// mapping reads n as a mapping. If allowed is not nil, keys not in it are
// reported with the list of valid keys and the nearest of them, if any.
// Duplicate keys are reported.
// It returns nil if n is not a mapping (after reporting it).
func (d *decoder) mapping(n *yaml.Node, path string, allowed []string) *mapping {
	if n.Kind == yaml.AliasNode {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping of keys to values, got %s", describe(n))
		return nil
	}
	m := &mapping{node: n, path: path, entries: map[string]entry{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			if k.Kind != yaml.AliasNode {
				d.fail(k, path, "keys must be plain names, got %s", describe(k))
			}
			continue
		}
		name := k.Value
		if allowed != nil && !contains(allowed, name) {
			d.fail(k, field(path, name), "unknown key; valid keys here: %s%s", strings.Join(allowed, ", "), suggest.Hint(name, allowed))
			continue
		}
		if prev, dup := m.entries[name]; dup {
			d.fail(k, field(path, name), "duplicate key (first at line %d)", prev.key.Line)
			continue
		}
		m.entries[name] = entry{k, v}
		m.order = append(m.order, name)
	}
	return m
}

// require reports each of keys that m lacks (or has null), at m's node.
func (d *decoder) require(m *mapping, keys ...string) bool {
	ok := true
	for _, k := range keys {
		if m.get(k) != nil {
			continue
		}
		ok = false
		if e, present := m.entries[k]; present {
			d.fail(e.val, field(m.path, k), "missing value")
		} else {
			d.fail(m.node, field(m.path, k), "missing required key %q", k)
		}
	}
	return ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sequence reads n as a list.
func (d *decoder) sequence(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n.Kind == yaml.AliasNode {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "must be a list, got %s", describe(n))
		return nil, false
	}
	return n.Content, true
}

// str reads a scalar as a string: any scalar is taken as written.
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind == yaml.AliasNode {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "must be a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

// ident reads an identifier: lowercase letters, digits, '_' and '-',
// starting with a letter or digit, at most 64 characters.
func (d *decoder) ident(n *yaml.Node, path string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if !validIdent(s) {
		d.fail(n, path, "must be an identifier: lowercase letters, digits, _ and -, starting with a letter or digit, at most %d characters (like tier_1 or wechat-pay), got %q", maxNameLen, s)
		return s, false
	}
	return s, true
}

func validIdent(s string) bool { return len(s) <= maxNameLen && identRE.MatchString(s) }

// label reads a label: a non-empty single-line string.
func (d *decoder) label(n *yaml.Node, path string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\n\r") {
		d.fail(n, path, "must be a non-empty text on one line, got %q", s)
		return "", false
	}
	return s, true
}

// color reads a colour #RRGGBB and returns it in upper case.
func (d *decoder) color(n *yaml.Node, path string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if !colorRE.MatchString(s) {
		d.fail(n, path, "must be a colour #RRGGBB in quotes (an unquoted # starts a comment), got %q", s)
		return "", false
	}
	return strings.ToUpper(s), true
}

// number reads a finite number.
func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	if n.Kind == yaml.AliasNode {
		return 0, false
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != tagInt && tag != tagFloat) {
		d.fail(n, path, "must be a number, got %s", describe(n))
		return 0, false
	}
	var x float64
	if err := n.Decode(&x); err != nil {
		d.fail(n, path, "must be a number, got %q", n.Value)
		return 0, false
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		d.fail(n, path, "must be a finite number, got %s", n.Value)
		return 0, false
	}
	return x, true
}

// bounds is the valid range of a number.
type bounds struct {
	lo, hi         float64 // NaN for none
	loOpen, hiOpen bool
}

// The ranges of a scenario's numbers. Each is what the engine and the
// figures handle with room to spare (docs/scenarios.md says why):
//
//   - people: a region stands for at least one person and at most 1e10
//     (more than the world); smaller populations underflow the weight of
//     an agent to zero, larger ones give counts the figures cannot label.
//   - rates (per person and year: purchases, payments, Bass p and q,
//     churn) up to 1e6 and values (baskets, payments) up to 1e6 in the
//     currency, so that GMV stays far inside float64 and counts inside
//     what an axis can label.
//   - utilities (appeals, loyalty, gamma, delta, kappa, shifts) within
//     ±maxUtility: the engine sums a handful of them in exp, which
//     overflows past 709.
//   - a segment's share at least minShare, so that a segment of a region
//     of one person still stands for a positive number of people.
const (
	minPeople  = 1
	maxPeople  = 1e10
	maxRate    = 1e6
	maxValue   = 1e6
	maxUtility = 50
	minShare   = 1e-9
)

var (
	utilityRange = bounds{lo: -maxUtility, hi: maxUtility}
	kappaRange   = bounds{lo: 0, hi: maxUtility}
	peopleRange  = bounds{lo: minPeople, hi: maxPeople}
	rateRange    = bounds{lo: 0, hi: maxRate}
	valueRange   = bounds{lo: 0, hi: maxValue, loOpen: true}
	unitRange    = bounds{lo: 0, hi: 1}
	shareRange   = bounds{lo: minShare, hi: 1}
)

// String describes the range for messages.
func (b bounds) String() string {
	hasLo, hasHi := !math.IsNaN(b.lo), !math.IsNaN(b.hi)
	switch {
	case hasLo && hasHi:
		l, r := "[", "]"
		if b.loOpen {
			l = "("
		}
		if b.hiOpen {
			r = ")"
		}
		return fmt.Sprintf("in %s%s,%s%s", l, rangeNum(b.lo), rangeNum(b.hi), r)
	case hasLo && b.loOpen && b.lo == 0:
		return "positive"
	case hasLo && b.lo == 0:
		return "non-negative"
	case hasLo && b.loOpen:
		return "greater than " + fmtNum(b.lo)
	case hasLo:
		return "at least " + fmtNum(b.lo)
	}
	return "finite"
}

func (b bounds) holds(x float64) bool {
	if !math.IsNaN(b.lo) && (x < b.lo || b.loOpen && x == b.lo) {
		return false
	}
	if !math.IsNaN(b.hi) && (x > b.hi || b.hiOpen && x == b.hi) {
		return false
	}
	return true
}

// bounded reads a finite number within b.
func (d *decoder) bounded(n *yaml.Node, path string, b bounds) (float64, bool) {
	x, ok := d.number(n, path)
	if !ok {
		return 0, false
	}
	if !b.holds(x) {
		d.fail(n, path, "must be %s, got %s", b, n.Value)
		return x, false
	}
	return x, true
}

// integer reads an integer in [lo, hi]; a number such as 4e5 with no
// fractional part counts as an integer.
func (d *decoder) integer(n *yaml.Node, path string, lo, hi int64) (int64, bool) {
	if n.Kind == yaml.AliasNode {
		return 0, false
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != tagInt && tag != tagFloat) {
		d.fail(n, path, "must be an integer, got %s", describe(n))
		return 0, false
	}
	var x int64
	if tag == tagInt {
		if err := n.Decode(&x); err != nil {
			d.fail(n, path, "must be an integer from %d to %d, got %s", lo, hi, n.Value)
			return 0, false
		}
	} else {
		var f float64
		if err := n.Decode(&f); err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			d.fail(n, path, "must be an integer, got %s", n.Value)
			return 0, false
		}
		x = int64(f)
	}
	if x < lo || x > hi {
		d.fail(n, path, "must be an integer from %d to %d, got %s", lo, hi, n.Value)
		return x, false
	}
	return x, true
}

// boolean reads true or false.
func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	if n.Kind == yaml.AliasNode {
		return false, false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tagBool {
		d.fail(n, path, "must be true or false, got %s", describe(n))
		return false, false
	}
	var x bool
	if err := n.Decode(&x); err != nil {
		d.fail(n, path, "must be true or false, got %q", n.Value)
		return false, false
	}
	return x, true
}

// seed reads a non-negative 64-bit integer.
func (d *decoder) seed(n *yaml.Node, path string) (uint64, bool) {
	if n.Kind == yaml.AliasNode {
		return 0, false
	}
	tag := n.ShortTag()
	if n.Kind == yaml.ScalarNode && tag == tagInt {
		var u uint64
		if err := n.Decode(&u); err == nil {
			return u, true
		}
		d.fail(n, path, "must be an integer from 0 to %d, got %s", uint64(math.MaxUint64), n.Value)
		return 0, false
	}
	x, ok := d.integer(n, path, 0, math.MaxInt64)
	return uint64(x), ok
}

// date reads a date YYYY-MM-DD within the supported range.
func (d *decoder) date(n *yaml.Node, path string) (time.Time, bool) {
	if n.Kind == yaml.AliasNode {
		return time.Time{}, false
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != tagTimestamp && tag != tagStr) {
		d.fail(n, path, "must be a date YYYY-MM-DD, got %s", describe(n))
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, n.Value)
	if err != nil {
		d.fail(n, path, "must be a date YYYY-MM-DD, got %q", n.Value)
		return time.Time{}, false
	}
	if t.Before(minDate) || t.After(maxDate) {
		d.fail(n, path, "must be a date from %s to %s, got %s", minDate.Format(dateLayout), maxDate.Format(dateLayout), n.Value)
		return time.Time{}, false
	}
	return t, true
}

// duration reads a duration such as 14d, 2w, 18m or 5y (see
// calendar.Parse: months and years are calendar months and years); zero
// is allowed if allowZero.
func (d *decoder) duration(n *yaml.Node, path string, allowZero bool) (calendar.Duration, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return calendar.Duration{}, false
	}
	bad := func() (calendar.Duration, bool) {
		what := "a positive number"
		if allowZero {
			what = "a number"
		}
		d.fail(n, path, "must be a duration: %s and a unit d (days), w (weeks), m (months) or y (years), like 14d or 5y, got %q", what, s)
		return calendar.Duration{}, false
	}
	if !durationRE.MatchString(s) {
		return bad()
	}
	u, err := calendar.Parse(s)
	if err != nil {
		d.fail(n, path, "duration is too long: at most %d of a unit, got %q", calendar.MaxN, s)
		return calendar.Duration{}, false
	}
	if u.N == 0 && !allowZero {
		return bad()
	}
	return u, true
}

// rangeNum formats a bound of a range, in the shortest form, with
// powers of ten as 1e10 and 1e-9.
func rangeNum(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		exp := strings.TrimLeft(strings.TrimPrefix(s[i+1:], "+"), "-0")
		if strings.HasPrefix(s[i+1:], "-") {
			exp = "-" + exp
		}
		s = s[:i+1] + exp
	}
	return s
}

// fmtNum formats a number in its shortest exact form.
func fmtNum(x float64) string {
	a := math.Abs(x)
	if a == 0 || (a >= 1e-4 && a < 1e21) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
