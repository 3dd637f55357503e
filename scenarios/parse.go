package scenarios

import (
	"bytes"
	"errors"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/internal/suggest"
	"github.com/interopsim/interopsim/sim"
)

// Keys of each mapping of a scenario file, in the order Marshal writes
// them and messages list them.
var (
	topKeys       = []string{"name", "description", "start", "step", "end", "duration", "warmup", "seed", "agents", "currency", "methods", "platforms", "channels", "classes", "regions", "behaviour", "events", "calibrate", "parameter_draws", "sweep"}
	channelKeys   = []string{"name", "label", "color", "rate", "value", "accepts", "peer", "method_appeal"}
	methodKeys    = []string{"name", "label", "color", "appeal", "adoption", "churn", "launch"}
	adoptionKeys  = []string{"p", "q"}
	platformKeys  = []string{"name", "label", "color", "appeal", "loyalty", "memory", "accepts", "region_appeal", "method_appeal"}
	regionKeys    = []string{"name", "label", "population", "shopping_rate", "basket", "holdings", "wallets", "class_shares", "segments", "growth"}
	censusKeys    = []string{"date", "population"}
	segmentKeys   = []string{"name", "share", "shopping_rate", "basket", "holdings", "wallets", "class_shares"}
	behaviourKeys = []string{"beta", "kappa", "psi", "gamma", "switch_cost", "delta", "loyalty"}
)

// WholeCountry is the name output files and figures give the whole
// country, the sum of every region (output.AllRegions); no region may
// take it.
const WholeCountry = "all"

// Default values of optional keys.
const (
	defaultSeed     = 1
	defaultCurrency = "CNY"
	defaultStep     = sim.Week
	defaultSegment  = "all"
)

// defaultBehaviour holds the defaults of the behaviour block.
var defaultBehaviour = sim.Behaviour{Beta: 0.5, Kappa: 3.0, Psi: 0.2, Gamma: 1.0, SwitchCost: 1.0, Delta: 0.5}

// defaultLoyalty is the default of behaviour.loyalty.
const defaultLoyalty = 0.5

// palette is the Okabe-Ito colour-blind-safe palette in the order entities
// without a color draw from it: methods in declaration order, then
// platforms after them, so that no method shares a platform's colour while
// there are at most eight of them.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

// Parse reads a scenario from data, the contents of file (used in error
// messages and kept in Scenario.File). It checks everything, resolves
// every default and allocates the agents. If the scenario has mistakes,
// Parse returns them all, in file order, joined with errors.Join; each is a
// *FieldError, which errors.As finds. Parse never panics.
func Parse(data []byte, file string) (*Scenario, error) {
	d := &decoder{file: file}
	root := d.parseYAML(data)
	if root == nil {
		return nil, d.joined()
	}
	b := &builder{decoder: d, sc: &Scenario{File: file, Source: bytes.Clone(data)}}
	if b.sc.Source == nil {
		b.sc.Source = []byte{}
	}
	b.scenario(root)
	if len(d.errs) > 0 {
		return nil, d.joined()
	}
	return b.sc, nil
}

// joined returns the mistakes sorted by place, joined.
func (d *decoder) joined() error {
	d.sortErrs()
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// parseYAML parses data as exactly one YAML document and returns its root
// node, or nil after recording why it cannot.
func (d *decoder) parseYAML(data []byte) (root *yaml.Node) {
	defer func() {
		// The YAML library reports errors by panicking internally and
		// recovering; this guards against any panic that escapes it, so
		// that no input can crash the caller.
		if r := recover(); r != nil {
			d.fail(nil, "", "invalid YAML: the YAML parser failed (%v)", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errs = append(d.errs, &FieldError{File: d.file, Line: 1, Column: 1,
				Msg: "empty file: a scenario needs at least name, start, end or duration, methods, platforms and regions"})
			return nil
		}
		d.syntaxError(err)
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		d.fail(&extra, "", "a second YAML document: a scenario file holds exactly one document (remove the --- separator)")
		return nil
	case !errors.Is(err, io.EOF):
		d.syntaxError(err)
		return nil
	}
	d.checkAliases(&doc, 0)
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.errs = append(d.errs, &FieldError{File: d.file, Line: 1, Column: 1, Msg: "empty scenario"})
		return nil
	}
	root = doc.Content[0]
	if isNull(root) {
		d.fail(root, "", "empty scenario: a scenario is a mapping starting with name:")
		return nil
	}
	return root
}

// syntaxError records a YAML syntax error with the line the library
// reports (it reports no column).
func (d *decoder) syntaxError(err error) {
	e := &FieldError{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		if line, convErr := strconv.Atoi(m[1]); convErr == nil {
			e.Line = line
		}
		e.Msg = "invalid YAML: " + m[2]
	}
	d.errs = append(d.errs, e)
}

// builder turns the node tree into a Scenario, section by section, in the
// order of their dependencies (methods before the regions and platforms
// that name them, everything before events).
type builder struct {
	*decoder
	sc  *Scenario
	cfg *sim.Config

	start, end  time.Time // horizon as written (end exclusive)
	horizonOK   bool
	methodIdx   map[string]int
	regionIdx   map[string]int
	platformIdx map[string]int
	channelIdx  map[string]int
	// methodsOK, regionsOK and platformsOK say that the section is a
	// readable list, so that names missing from it are real mistakes.
	methodsOK, regionsOK, platformsOK, channelsOK bool
	// acceptsOK says, per platform, that its accepts list was read.
	acceptsOK []bool
	nSegments int // total segments
	// classIdx, classesOK, classShare and classShareNode are the classes
	// section's names, readability and default shares (NaN: none given).
	classIdx       map[string]int
	classesOK      bool
	classShare     []float64
	classShareNode []*yaml.Node
}

func (b *builder) scenario(root *yaml.Node) {
	b.cfg = &b.sc.Config
	m := b.mapping(root, "", topKeys)
	if m == nil {
		return
	}
	b.require(m, "name", "start", "methods", "platforms", "regions")
	if n := m.get("name"); n != nil {
		b.cfg.Name, _ = b.ident(n, "name")
	}
	if n := m.get("description"); n != nil {
		b.sc.Description, _ = b.str(n, "description")
	}
	b.sc.Currency = defaultCurrency
	if n := m.get("currency"); n != nil {
		if s, ok := b.label(n, "currency"); ok {
			b.sc.Currency = s
		}
	}
	b.sc.Seed = defaultSeed
	if n := m.get("seed"); n != nil {
		b.sc.Seed, _ = b.seed(n, "seed")
	}
	b.horizon(m)
	if n := m.get("warmup"); n != nil {
		b.warmup(n)
	}
	if n := m.get("methods"); n != nil {
		b.methods(n)
	}
	if n := m.get("classes"); n != nil {
		b.classes(n)
	}
	if n := m.get("regions"); n != nil {
		b.regions(n)
	}
	b.cfg.Behaviour = defaultBehaviour
	b.sc.loyalty = defaultLoyalty
	if n := m.get("behaviour"); n != nil {
		b.behaviour(n)
	}
	if n := m.get("platforms"); n != nil {
		b.platforms(n)
	}
	// Without a channels section, channel names are unknown names.
	b.channelIdx, b.channelsOK = map[string]int{}, true
	if n := m.get("channels"); n != nil {
		b.channels(n)
	}
	b.agents(m)
	if n := m.get("events"); n != nil {
		b.events(n)
	}
	if n := m.get("calibrate"); n != nil {
		b.calibrate(n)
	}
	if n := m.get("parameter_draws"); n != nil {
		b.parameterDraws(n) // draws.go
	}
	if n := m.get("sweep"); n != nil {
		b.sweep(n)
	}
}

// horizon reads start, step and end or duration, and sets Start, Step and
// Steps.
func (b *builder) horizon(m *mapping) {
	b.cfg.Step = defaultStep
	stepOK := true
	if n := m.get("step"); n != nil {
		if s, ok := b.str(n, "step"); ok {
			switch s {
			case "day":
				b.cfg.Step = sim.Day
			case "week":
				b.cfg.Step = sim.Week
			case "month":
				b.cfg.Step = sim.Month
			default:
				b.fail(n, "step", "must be one of day, week, month, got %q%s", s, suggest.Hint(s, []string{"day", "week", "month"}))
				stepOK = false
			}
		} else {
			stepOK = false
		}
	}
	startN := m.get("start")
	startOK := false
	if startN != nil {
		b.start, startOK = b.date(startN, "start")
		b.cfg.Start = b.start
	}
	endN, durN := m.get("end"), m.get("duration")
	var at *yaml.Node // the node that fixes the end
	var path string
	switch {
	case endN != nil && durN != nil:
		b.fail(m.keyNode("duration"), "duration", "give either end or duration, not both")
		return
	case endN != nil:
		at, path = endN, "end"
		var ok bool
		if b.end, ok = b.date(endN, "end"); !ok || !startOK {
			return
		}
		if !b.end.After(b.start) {
			b.fail(endN, "end", "must be after start (%s), got %s", b.start.Format(dateLayout), endN.Value)
			return
		}
	case durN != nil:
		at, path = durN, "duration"
		u, ok := b.duration(durN, "duration", false)
		if !ok || !startOK {
			return
		}
		b.end = u.After(b.start)
		if b.end.After(maxDate) {
			b.fail(durN, "duration", "the horizon would end on %s, after %s", b.end.Format(dateLayout), maxDate.Format(dateLayout))
			return
		}
	default:
		if _, present := m.entries["end"]; present {
			b.fail(m.entries["end"].val, "end", "missing value")
		} else if _, present := m.entries["duration"]; present {
			b.fail(m.entries["duration"].val, "duration", "missing value")
		} else {
			b.fail(m.node, "end", "missing required key: give end (a date) or duration (like 5y)")
		}
		return
	}
	if !stepOK {
		return
	}
	steps := countSteps(b.cfg.Step, b.start, b.end)
	if steps > MaxSteps {
		b.fail(at, path, "the horizon has %d steps of a %s; at most %d are allowed", steps, b.cfg.Step, MaxSteps)
		return
	}
	if last := b.cfg.Step.Add(b.start, steps); last.After(maxDate) {
		// The resolved end (the day after the last step) must be a valid
		// date too, so that Marshal's output parses.
		b.fail(at, path, "the last step would end on %s, after %s", last.Format(dateLayout), maxDate.Format(dateLayout))
		return
	}
	b.cfg.Steps = steps
	b.horizonOK = true
}

// warmup reads the warm-up, a duration before start, as a number of
// steps.
func (b *builder) warmup(n *yaml.Node) {
	u, ok := b.duration(n, "warmup", true)
	if !ok || !b.horizonOK {
		return
	}
	from := u.Before(b.start)
	if from.Before(minDate) {
		b.fail(n, "warmup", "the warm-up would start on %s, before %s", from.Format(dateLayout), minDate.Format(dateLayout))
		return
	}
	steps := countSteps(b.cfg.Step, from, b.start)
	if steps > MaxSteps {
		b.fail(n, "warmup", "the warm-up has %d steps of a %s; at most %d are allowed", steps, b.cfg.Step, MaxSteps)
		return
	}
	b.cfg.Warmup = steps
}

// countSteps returns the number of steps of unit u from start whose first
// day is before end (end after start).
func countSteps(u sim.StepUnit, start, end time.Time) int {
	days := int((end.Unix() - start.Unix()) / 86400)
	switch u {
	case sim.Day:
		return days
	case sim.Week:
		return (days + 6) / 7
	}
	// Months: the smallest k with u.Add(start, k) on or after end. Month
	// starts increase with k, so search between 0 and one month past the
	// calendar difference.
	hi := (end.Year()-start.Year())*12 + int(end.Month()) - int(start.Month()) + 1
	lo := 0
	for lo < hi {
		mid := (lo + hi) / 2
		if u.Add(start, mid).Before(end) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// names lists the keys of an index map in declaration order.
func names(idx map[string]int) string {
	list := nameList(idx)
	if len(list) == 0 {
		return "(none)"
	}
	return strings.Join(list, ", ")
}

// nameList returns the keys of an index map in declaration order.
func nameList(idx map[string]int) []string {
	list := make([]string, 0, len(idx))
	for name := range idx {
		list = append(list, name)
	}
	sort.Slice(list, func(a, b int) bool { return idx[list[a]] < idx[list[b]] })
	return list
}

// entityName reads the name of the i-th method, platform or region and
// records it in idx, reporting duplicates.
func (b *builder) entityName(m *mapping, path, kind string, idx map[string]int, i int, lines map[string]int) string {
	n := m.get("name")
	if n == nil {
		return ""
	}
	name, ok := b.ident(n, field(path, "name"))
	if !ok {
		return ""
	}
	if line, dup := lines[name]; dup {
		b.fail(n, field(path, "name"), "duplicate %s name %q (first at line %d)", kind, name, line)
		return name
	}
	lines[name] = n.Line
	idx[name] = i
	return name
}

// entities returns the items of the list of methods or platforms under
// key, reporting an empty list (and returning false) or one longer than
// max (why says why there is a limit).
func (b *builder) entities(n *yaml.Node, key, what string, max int, why string) ([]*yaml.Node, bool) {
	items, ok := b.sequence(n, key)
	if !ok {
		return nil, false
	}
	if len(items) == 0 {
		b.fail(n, key, "must list at least one %s", what)
		return nil, false
	}
	if len(items) > max {
		b.fail(items[max], key, "at most %d %s are allowed%s, got %d", max, key, why, len(items))
	}
	return items, true
}

func (b *builder) methods(n *yaml.Node) {
	b.methodIdx = map[string]int{}
	items, ok := b.entities(n, "methods", "payment method", maxMethods, " (an agent's wallets are packed in one byte)")
	if !ok {
		return
	}
	b.methodsOK = true
	lines := map[string]int{}
	for i, it := range items {
		path := index("methods", i)
		meth := sim.Method{Color: palette[i%len(palette)]}
		if m := b.mapping(it, path, methodKeys); m != nil {
			b.require(m, "name")
			meth.Name = b.entityName(m, path, "method", b.methodIdx, i, lines)
			meth.Label, meth.Color = b.labelColor(m, path, meth.Name, meth.Color)
			if v := m.get("appeal"); v != nil {
				meth.Appeal, _ = b.bounded(v, field(path, "appeal"), utilityRange)
			}
			if v := m.get("adoption"); v != nil {
				ap := field(path, "adoption")
				if am := b.mapping(v, ap, adoptionKeys); am != nil {
					if x := am.get("p"); x != nil {
						meth.P, _ = b.bounded(x, field(ap, "p"), rateRange)
					}
					if x := am.get("q"); x != nil {
						meth.Q, _ = b.bounded(x, field(ap, "q"), rateRange)
					}
				}
			}
			if v := m.get("churn"); v != nil {
				meth.Churn, _ = b.bounded(v, field(path, "churn"), rateRange)
			}
			if v := m.get("launch"); v != nil {
				meth.Launch = b.launch(v, field(path, "launch"))
			}
		}
		b.cfg.Methods = append(b.cfg.Methods, meth)
	}
}

// methodRef resolves a method name used at node n; it reports unknown
// names with the valid ones and the nearest of them, unless the methods
// section is unreadable.
func (b *builder) methodRef(n *yaml.Node, path, name string) (int, bool) {
	return b.ref(n, path, name, "method", b.methodIdx, b.methodsOK)
}

func (b *builder) regionRef(n *yaml.Node, path, name string) (int, bool) {
	return b.ref(n, path, name, "region", b.regionIdx, b.regionsOK)
}

func (b *builder) platformRef(n *yaml.Node, path, name string) (int, bool) {
	return b.ref(n, path, name, "platform", b.platformIdx, b.platformsOK)
}

func (b *builder) channelRef(n *yaml.Node, path, name string) (int, bool) {
	return b.ref(n, path, name, "channel", b.channelIdx, b.channelsOK)
}

func (b *builder) ref(n *yaml.Node, path, name, kind string, idx map[string]int, sectionOK bool) (int, bool) {
	if i, ok := idx[name]; ok {
		return i, true
	}
	if sectionOK {
		plural := kind + "s"
		if strings.HasSuffix(kind, "s") {
			plural = kind + "es"
		}
		b.fail(n, path, "unknown %s %q; valid %s: %s%s", kind, name, plural, names(idx), suggest.Hint(name, nameList(idx)))
	}
	return -1, false
}

// launch reads a method's launch date, which must be before the end of
// the horizon.
func (b *builder) launch(v *yaml.Node, path string) time.Time {
	t, ok := b.date(v, path)
	if !ok {
		return time.Time{}
	}
	if b.horizonOK && !t.Before(b.end) {
		b.fail(v, path, "must be before the end of the horizon (%s), got %s", b.end.Format(dateLayout), v.Value)
		return time.Time{}
	}
	return t
}

// unlaunched returns the launch date of method i if it is after start:
// the method does not exist when the run begins.
func (b *builder) unlaunched(i int) (time.Time, bool) {
	if !b.horizonOK || i < 0 || i >= len(b.cfg.Methods) {
		return time.Time{}, false
	}
	t := b.cfg.Methods[i].Launch
	return t, t.After(b.start)
}

// holdings reads a mapping from method names to shares held at start; a
// method launched after start cannot be held.
func (b *builder) holdings(n *yaml.Node, path string, dst []float64) {
	b.perMethodCheck(n, path, unitRange, dst, func(v *yaml.Node, kp string, i int, x float64) {
		if t, late := b.unlaunched(i); late && x != 0 {
			b.fail(v, kp, "must be 0: %s launches on %s, after start (%s), and nobody holds it before, got %s", b.cfg.Methods[i].Name, t.Format(dateLayout), b.start.Format(dateLayout), v.Value)
		}
	})
}

// perMethod reads a mapping from method names to numbers in bnd into
// dst, one entry per method.
func (b *builder) perMethod(n *yaml.Node, path string, bnd bounds, dst []float64) {
	b.perMethodCheck(n, path, bnd, dst, nil)
}

// perMethodCheck is perMethod with a check of each value read.
func (b *builder) perMethodCheck(n *yaml.Node, path string, bnd bounds, dst []float64, check func(v *yaml.Node, path string, i int, x float64)) {
	m := b.mapping(n, path, nil)
	if m == nil {
		return
	}
	for _, key := range m.order {
		e := m.entries[key]
		kp := field(path, key)
		i, ok := b.methodRef(e.key, kp, key)
		if isNull(e.val) {
			b.fail(e.val, kp, "missing value")
			continue
		}
		x, xok := b.bounded(e.val, kp, bnd)
		if ok && xok && i < len(dst) {
			dst[i] = x
			if check != nil {
				check(e.val, kp, i, x)
			}
		}
	}
}

func (b *builder) regions(n *yaml.Node) {
	b.regionIdx = map[string]int{}
	items, ok := b.sequence(n, "regions")
	if !ok {
		return
	}
	if len(items) == 0 {
		b.fail(n, "regions", "must list at least one region")
		return
	}
	b.regionsOK = true
	nm := len(b.cfg.Methods)
	lines := map[string]int{}
	for i, it := range items {
		path := index("regions", i)
		reg := sim.Region{}
		m := b.mapping(it, path, regionKeys)
		if m == nil {
			b.cfg.Regions = append(b.cfg.Regions, reg)
			continue
		}
		b.require(m, "name", "population", "shopping_rate", "basket")
		reg.Name = b.entityName(m, path, "region", b.regionIdx, i, lines)
		if reg.Name == WholeCountry {
			b.fail(m.get("name"), field(path, "name"), "%q is reserved: output files and figures name the whole country %s; call the region something else", WholeCountry, WholeCountry)
		}
		reg.Label = reg.Name
		if v := m.get("label"); v != nil {
			if s, ok := b.label(v, field(path, "label")); ok {
				reg.Label = s
			}
		}
		if v := m.get("population"); v != nil {
			reg.Population, _ = b.bounded(v, field(path, "population"), peopleRange)
		}
		if v := m.get("growth"); v != nil {
			reg.Growth = b.growth(v, field(path, "growth"), reg.Population)
		}
		base := sim.Segment{Name: defaultSegment, Share: 1, Holdings: make([]float64, nm)}
		if v := m.get("shopping_rate"); v != nil {
			base.ShoppingRate, _ = b.bounded(v, field(path, "shopping_rate"), rateRange)
		}
		if v := m.get("basket"); v != nil {
			base.Basket, _ = b.bounded(v, field(path, "basket"), valueRange)
		}
		given := false
		if v := m.get("holdings"); v != nil {
			b.holdings(v, field(path, "holdings"), base.Holdings)
			given = true
		}
		var ref []float64
		if v := m.get("wallets"); v != nil {
			ref = b.wallets(v, field(path, "wallets"))
		}
		base.ClassShares = b.defaultClassShares()
		if v := m.get("class_shares"); v != nil {
			base.ClassShares = b.classShares(v, field(path, "class_shares"))
		}
		if v := m.get("segments"); v != nil {
			reg.Segments = b.segments(v, field(path, "segments"), base, ref, given)
		} else {
			b.finishWallets(walletsNode(m), path, &base, ref, given)
			reg.Segments = []sim.Segment{base}
		}
		if b.cfg.Classes != nil {
			for _, sg := range reg.Segments {
				if sg.ClassShares == nil && m.get("class_shares") == nil {
					b.fail(m.node, path, "needs class_shares (or a share for every class in the classes section): how the region's people divide among %s", strings.Join(nameList(b.classIdx), ", "))
					break
				}
			}
		}
		b.nSegments += len(reg.Segments)
		b.cfg.Regions = append(b.cfg.Regions, reg)
	}
}

// growth reads a region's later populations: dates after start, in
// increasing order, populations positive and not below the one before
// (pop, the population at start, for the first).
func (b *builder) growth(n *yaml.Node, path string, pop float64) []sim.Census {
	items, ok := b.sequence(n, path)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		b.fail(n, path, "must list at least one {date, population}, or be left out for a population that does not change")
		return nil
	}
	var out []sim.Census
	from, fromWhat := b.start, "start"
	prevWhat := "the region's population at start"
	for i, it := range items {
		ip := index(path, i)
		m := b.mapping(it, ip, censusKeys)
		if m == nil {
			continue
		}
		if !b.require(m, "date", "population") {
			continue
		}
		var c sim.Census
		var dok, pok bool
		if c.Date, dok = b.date(m.get("date"), field(ip, "date")); dok && b.horizonOK && !c.Date.After(from) {
			b.fail(m.get("date"), field(ip, "date"), "must be after %s (%s), got %s", fromWhat, from.Format(dateLayout), m.get("date").Value)
			dok = false
		}
		if c.Population, pok = b.bounded(m.get("population"), field(ip, "population"), peopleRange); pok && c.Population < pop {
			b.fail(m.get("population"), field(ip, "population"), "must be at least %s (%s): people come online but do not leave, got %s", prevWhat, fmtNum(pop), m.get("population").Value)
			pok = false
		}
		if dok {
			from, fromWhat = c.Date, "the date before"
		}
		if pok {
			pop, prevWhat = c.Population, "the population before"
		}
		if dok && pok {
			out = append(out, c)
		}
	}
	return out
}

// segments reads a region's segments; each inherits base's values, and
// the region's wallet-set distribution ref (holdings given says the
// region gave holdings too).
func (b *builder) segments(n *yaml.Node, path string, base sim.Segment, ref []float64, given bool) []sim.Segment {
	items, ok := b.sequence(n, path)
	if !ok {
		return []sim.Segment{base}
	}
	if len(items) == 0 {
		b.fail(n, path, "must list at least one segment, or be left out for a single segment")
		return []sim.Segment{base}
	}
	var segs []sim.Segment
	lines := map[string]int{}
	sum, sumOK := 0.0, true
	for i, it := range items {
		sp := index(path, i)
		sg := base
		sg.Holdings = append([]float64(nil), base.Holdings...)
		sg.ClassShares = slices.Clone(base.ClassShares)
		sg.Name, sg.Share = "", 0
		sref, sgiven := ref, given
		if m := b.mapping(it, sp, segmentKeys); m != nil {
			b.require(m, "name", "share")
			if v := m.get("name"); v != nil {
				if name, ok := b.ident(v, field(sp, "name")); ok {
					if line, dup := lines[name]; dup {
						b.fail(v, field(sp, "name"), "duplicate segment name %q (first at line %d)", name, line)
					} else {
						lines[name] = v.Line
					}
					sg.Name = name
				}
			}
			if v := m.get("share"); v != nil {
				var ok bool
				if sg.Share, ok = b.bounded(v, field(sp, "share"), shareRange); !ok {
					sumOK = false
				}
			} else {
				sumOK = false
			}
			if v := m.get("shopping_rate"); v != nil {
				sg.ShoppingRate, _ = b.bounded(v, field(sp, "shopping_rate"), rateRange)
			}
			if v := m.get("basket"); v != nil {
				sg.Basket, _ = b.bounded(v, field(sp, "basket"), valueRange)
			}
			if v := m.get("holdings"); v != nil {
				b.holdings(v, field(sp, "holdings"), sg.Holdings)
				sgiven = true
			}
			if v := m.get("wallets"); v != nil {
				sref = b.wallets(v, field(sp, "wallets"))
				sgiven = m.get("holdings") != nil
			}
			if v := m.get("class_shares"); v != nil {
				sg.ClassShares = b.classShares(v, field(sp, "class_shares"))
			}
			b.finishWallets(walletsNode(m), sp, &sg, sref, sgiven)
		} else {
			sumOK = false
		}
		sum += sg.Share
		segs = append(segs, sg)
	}
	if sumOK && math.Abs(sum-1) > shareTolerance {
		b.fail(n, path, "segment shares must sum to 1 (within %g), got %s", shareTolerance, fmtNum(sum))
	}
	return segs
}

func (b *builder) behaviour(n *yaml.Node) {
	m := b.mapping(n, "behaviour", behaviourKeys)
	if m == nil {
		return
	}
	bh := &b.cfg.Behaviour
	read := func(key string, dst *float64, bnd bounds) {
		if v := m.get(key); v != nil {
			if x, ok := b.bounded(v, field("behaviour", key), bnd); ok {
				*dst = x
			}
		}
	}
	read("beta", &bh.Beta, unitRange)
	read("kappa", &bh.Kappa, kappaRange)
	read("psi", &bh.Psi, unitRange)
	read("gamma", &bh.Gamma, utilityRange)
	bh.SwitchCost = bh.Gamma // unless given: the habit's utility
	read("switch_cost", &bh.SwitchCost, utilityRange)
	read("delta", &bh.Delta, utilityRange)
	read("loyalty", &b.sc.loyalty, utilityRange)
}

func (b *builder) platforms(n *yaml.Node) {
	b.platformIdx = map[string]int{}
	items, ok := b.entities(n, "platforms", "platform", maxPlatforms, "")
	if !ok {
		return
	}
	b.platformsOK = true
	nm, nr := len(b.cfg.Methods), len(b.cfg.Regions)
	lines := map[string]int{}
	b.acceptsOK = make([]bool, len(items))
	for i, it := range items {
		path := index("platforms", i)
		pl := sim.Platform{
			Color:        palette[(nm+i)%len(palette)],
			Loyalty:      b.sc.loyalty,
			RegionAppeal: make([]float64, nr),
			MethodAppeal: make([]float64, nm),
			Accepts:      make([]bool, nm),
		}
		if m := b.mapping(it, path, platformKeys); m != nil {
			b.require(m, "name", "accepts")
			pl.Name = b.entityName(m, path, "platform", b.platformIdx, i, lines)
			pl.Label, pl.Color = b.labelColor(m, path, pl.Name, pl.Color)
			if v := m.get("appeal"); v != nil {
				pl.Appeal, _ = b.bounded(v, field(path, "appeal"), utilityRange)
			}
			if v := m.get("loyalty"); v != nil {
				pl.Loyalty, _ = b.bounded(v, field(path, "loyalty"), utilityRange)
			}
			if v := m.get("memory"); v != nil {
				pl.OwnMemory = b.memory(v, field(path, "memory"))
			}
			if v := m.get("accepts"); v != nil {
				b.acceptsOK[i] = b.accepts(v, field(path, "accepts"), pl.Accepts)
			}
			if v := m.get("region_appeal"); v != nil {
				b.regionAppeal(v, field(path, "region_appeal"), pl.RegionAppeal)
			}
			if v := m.get("method_appeal"); v != nil {
				b.perMethod(v, field(path, "method_appeal"), utilityRange, pl.MethodAppeal)
			}
		}
		b.cfg.Platforms = append(b.cfg.Platforms, pl)
	}
}

// accepts reads a list of method names into dst.
func (b *builder) accepts(n *yaml.Node, path string, dst []bool) bool {
	items, ok := b.sequence(n, path)
	if !ok {
		return false
	}
	all := true
	seen := map[string]int{}
	for j, it := range items {
		ip := index(path, j)
		name, ok := b.str(it, ip)
		if !ok {
			all = false
			continue
		}
		if line, dup := seen[name]; dup {
			b.fail(it, ip, "method %q is listed twice (first at line %d)", name, line)
			continue
		}
		seen[name] = it.Line
		if i, ok := b.methodRef(it, ip, name); ok && i < len(dst) {
			dst[i] = true
			if t, late := b.unlaunched(i); late {
				b.fail(it, ip, "%s launches on %s, after start (%s), and cannot be accepted before; add an accept event on or after its launch", name, t.Format(dateLayout), b.start.Format(dateLayout))
				all = false
			}
		} else {
			all = false
		}
	}
	return all
}

// regionAppeal reads a mapping from region names to utility offsets.
func (b *builder) regionAppeal(n *yaml.Node, path string, dst []float64) {
	m := b.mapping(n, path, nil)
	if m == nil {
		return
	}
	for _, key := range m.order {
		e := m.entries[key]
		kp := field(path, key)
		i, ok := b.regionRef(e.key, kp, key)
		if isNull(e.val) {
			b.fail(e.val, kp, "missing value")
			continue
		}
		x, xok := b.bounded(e.val, kp, utilityRange)
		if ok && xok && i < len(dst) {
			dst[i] = x
		}
	}
}

// agents reads the total number of agents, in the forms of ParseAgents
// (the CLI's --agents accepts the same), and allocates them.
func (b *builder) agents(m *mapping) {
	n := int64(DefaultAgents)
	at := m.node
	if v := m.get("agents"); v != nil {
		if v.Kind == yaml.AliasNode {
			return
		}
		tag := v.ShortTag()
		if v.Kind != yaml.ScalarNode || tag != tagInt && tag != tagFloat && tag != tagStr {
			b.fail(v, "agents", "must be a whole number such as %s, got %s", AgentForms, describe(v))
			return
		}
		x, err := ParseAgents(v.Value)
		if err != nil {
			b.fail(v, "agents", "%v", err)
			return
		}
		n, at = int64(x), v
	}
	if !b.regionsOK {
		return
	}
	if n < int64(b.nSegments) {
		b.fail(at, "agents", "must be at least the number of segments (%d): every segment needs an agent, got %d", b.nSegments, n)
		return
	}
	if len(b.errs) > 0 {
		return // populations and shares may be unusable
	}
	least := 0
	for _, x := range leastAgents(b.cfg) {
		least += x
	}
	if n < int64(least) {
		b.fail(at, "agents", "must be at least %d: every preference class with people in a segment needs an agent, got %d", least, n)
		return
	}
	allocate(b.cfg, int(n))
	b.sc.Agents = int(n)
}

// labelColor returns the label and colour of a method or platform: those
// of mapping m at path if given and valid, else name and color.
func (b *builder) labelColor(m *mapping, path, name, color string) (string, string) {
	label := name
	if v := m.get("label"); v != nil {
		if s, ok := b.label(v, field(path, "label")); ok {
			label = s
		}
	}
	if v := m.get("color"); v != nil {
		if s, ok := b.color(v, field(path, "color")); ok {
			color = s
		}
	}
	return label, color
}

// channels reads the payment channels other than e-commerce checkout.
func (b *builder) channels(n *yaml.Node) {
	items, ok := b.sequence(n, "channels")
	if !ok {
		b.channelsOK = false
		return
	}
	if len(items) == 0 {
		b.fail(n, "channels", "must list at least one channel, or be left out for none")
		b.channelsOK = false
		return
	}
	nm, np := len(b.cfg.Methods), len(b.cfg.Platforms)
	lines := map[string]int{}
	for i, it := range items {
		path := index("channels", i)
		ch := sim.Channel{
			Color:        palette[(nm+np+i)%len(palette)],
			Accepts:      make([]float64, nm),
			MethodAppeal: make([]float64, nm),
		}
		if m := b.mapping(it, path, channelKeys); m != nil {
			b.require(m, "name", "rate", "value")
			ch.Name = b.entityName(m, path, "channel", b.channelIdx, i, lines)
			if _, clash := b.platformIdx[ch.Name]; clash && ch.Name != "" {
				b.fail(m.get("name"), field(path, "name"), "%q is a platform's name; a channel needs a name of its own", ch.Name)
			}
			ch.Label, ch.Color = b.labelColor(m, path, ch.Name, ch.Color)
			if v := m.get("rate"); v != nil {
				ch.Rate, _ = b.bounded(v, field(path, "rate"), rateRange)
			}
			if v := m.get("value"); v != nil {
				ch.Value, _ = b.bounded(v, field(path, "value"), valueRange)
			}
			if v := m.get("peer"); v != nil {
				ch.Peer, _ = b.boolean(v, field(path, "peer"))
			}
			if v := m.get("accepts"); v != nil {
				if ch.Peer {
					b.fail(m.keyNode("accepts"), field(path, "accepts"), "not used by a peer channel, where a method is accepted when the payee holds it")
				} else {
					b.perMethodCheck(v, field(path, "accepts"), unitRange, ch.Accepts, func(v *yaml.Node, kp string, i int, x float64) {
						if t, late := b.unlaunched(i); late && x != 0 {
							b.fail(v, kp, "must be 0: %s launches on %s, after start (%s), and cannot be accepted before; add a channel_acceptance event on or after its launch, got %s", b.cfg.Methods[i].Name, t.Format(dateLayout), b.start.Format(dateLayout), v.Value)
						}
					})
				}
			}
			if v := m.get("method_appeal"); v != nil {
				b.perMethod(v, field(path, "method_appeal"), utilityRange, ch.MethodAppeal)
			}
		}
		b.cfg.Channels = append(b.cfg.Channels, ch)
	}
}
