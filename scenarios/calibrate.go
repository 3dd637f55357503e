package scenarios

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/internal/readfile"
	"github.com/interopsim/interopsim/sim"
)

// Calibration is a scenario's calibrate section: what 'interopsim
// calibrate' fits and to which data.
type Calibration struct {
	// Free are the free parameters with their bounds, in file order.
	Free []Free
	// Data is the data file as written in the scenario, and DataPath
	// that path resolved against the scenario file's directory (the same
	// when absolute). Both are empty when the section names no data.
	Data, DataPath string
}

// Free is a free parameter of a calibration: a settable parameter, named
// as in set events, and the open interval (Lo, Hi) it is searched in.
type Free struct {
	// Name is the parameter as written in set events, such as
	// methods.wechat_pay.appeal.
	Name string
	// Param is the parameter in the engine's terms.
	Param sim.Param
	// Lo and Hi bound the search, Lo < Hi.
	Lo, Hi float64
}

// Keys of the calibrate section and of one free parameter.
var (
	calibrateKeys = []string{"data", "free"}
	freeKeys      = []string{"param", "lo", "hi"}
)

// ParamForms lists the forms of a parameter name, for messages.
const ParamForms = paramForms

// lookupParam finds the spec of the parameter name s and splits it.
func lookupParam(s string) (paramSpec, []string, bool) {
	parts := strings.Split(s, ".")
	for _, ps := range paramSpecs {
		want := paramParts(ps.section)
		key := want - 1
		if ps.section == "classes" {
			key = 2 // classes.<class>.appeal.<method>
		}
		if len(parts) == want && parts[0] == ps.section && parts[key] == ps.key {
			return ps, parts, true
		}
	}
	return paramSpec{}, parts, false
}

// paramParts is the number of dotted parts of a parameter name of
// section sec: behaviour.gamma, methods.alipay.q,
// classes.alipay_first.appeal.alipay.
func paramParts(sec string) int {
	switch sec {
	case "behaviour":
		return 2
	case "classes":
		return 4
	}
	return 3
}

// ParseParam returns the parameter of c named s as in a set event, such
// as behaviour.gamma or methods.wechat_pay.appeal. Its errors list the
// valid forms or the valid names.
func ParseParam(c *sim.Config, s string) (sim.Param, error) {
	spec, parts, ok := lookupParam(s)
	if !ok {
		return sim.Param{}, fmt.Errorf("unknown parameter %q; valid forms: %s", s, paramForms)
	}
	p := sim.Param{Kind: spec.kind}
	if spec.section == "behaviour" {
		return p, nil
	}
	names := func(n int, name func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = name(i)
		}
		return out
	}
	methods := names(len(c.Methods), func(i int) string { return c.Methods[i].Name })
	var list []string
	what := strings.TrimSuffix(spec.section, "s")
	switch spec.section {
	case "methods":
		list = methods
	case "platforms":
		list = names(len(c.Platforms), func(i int) string { return c.Platforms[i].Name })
	case "regions":
		list = names(len(c.Regions), func(i int) string { return c.Regions[i].Name })
	case "channels":
		list = names(len(c.Channels), func(i int) string { return c.Channels[i].Name })
	case "classes":
		list, what = names(len(c.Classes), func(i int) string { return c.Classes[i].Name }), "class"
		if k := slices.Index(list, parts[1]); k >= 0 {
			m := slices.Index(methods, parts[3])
			if m < 0 {
				return sim.Param{}, fmt.Errorf("parameter %q: unknown method %q (valid: %s)", s, parts[3], strings.Join(methods, ", "))
			}
			p.Index = k*len(c.Methods) + m
			return p, nil
		}
	}
	if i := slices.Index(list, parts[1]); i >= 0 {
		p.Index = i
		return p, nil
	}
	return sim.Param{}, fmt.Errorf("parameter %q: unknown %s %q (valid: %s)", s, what, parts[1], strings.Join(list, ", "))
}

// CheckBounds reports bounds of a free parameter that are not finite, not
// increasing, or outside the values the parameter may take (such as a
// negative churn or a beta above 1).
func CheckBounds(f Free) error {
	spec, ok := specOf(f.Param.Kind)
	if !ok {
		return fmt.Errorf("%s: unknown parameter kind %d", f.Name, int(f.Param.Kind))
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if !finite(f.Lo) || !finite(f.Hi) {
		return fmt.Errorf("%s: bounds must be finite, got %s:%s", f.Name, fmtNum(f.Lo), fmtNum(f.Hi))
	}
	if !(f.Lo < f.Hi) {
		return fmt.Errorf("%s: lower bound %s must be below upper bound %s", f.Name, fmtNum(f.Lo), fmtNum(f.Hi))
	}
	// The search stays inside (Lo, Hi), so an open end of the valid
	// range may be a bound.
	within := func(x float64) bool { return spec.bnd.holds(x) || x == spec.bnd.lo || x == spec.bnd.hi }
	if !within(f.Lo) || !within(f.Hi) {
		return fmt.Errorf("%s: bounds %s:%s must lie within its valid range (%s)", f.Name, fmtNum(f.Lo), fmtNum(f.Hi), spec.bnd)
	}
	return nil
}

// ParseFree reads a free parameter written PARAM=LO:HI, such as
// behaviour.gamma=0.2:3, and checks its bounds (see CheckBounds).
func ParseFree(c *sim.Config, s string) (Free, error) {
	name, rng, ok := strings.Cut(s, "=")
	if !ok {
		return Free{}, fmt.Errorf("%q: want PARAM=LO:HI, such as behaviour.gamma=0.2:3", s)
	}
	p, err := ParseParam(c, name)
	if err != nil {
		return Free{}, err
	}
	los, his, ok := strings.Cut(rng, ":")
	if !ok {
		return Free{}, fmt.Errorf("%q: want bounds LO:HI after %s=, such as 0.2:3", s, name)
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(los), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(his), 64)
	if err1 != nil || err2 != nil {
		return Free{}, fmt.Errorf("%q: bounds must be numbers, got %q and %q", s, los, his)
	}
	f := Free{Name: name, Param: p, Lo: lo, Hi: hi}
	return f, CheckBounds(f)
}

// calibrate reads the calibrate section.
func (b *builder) calibrate(n *yaml.Node) {
	m := b.mapping(n, "calibrate", calibrateKeys)
	if m == nil {
		return
	}
	cal := &Calibration{}
	if v := m.get("data"); v != nil {
		cal.Data, cal.DataPath, _ = b.dataFile(v, "calibrate.data", "a data file (CSV)", "data/history/value_shares.csv")
	}
	if v := m.get("free"); v != nil {
		items, ok := b.sequence(v, "calibrate.free")
		seen := map[sim.Param]int{}
		for i, it := range items {
			if !ok {
				break
			}
			path := index("calibrate.free", i)
			fm := b.mapping(it, path, freeKeys)
			if fm == nil || !b.require(fm, "param", "lo", "hi") {
				continue
			}
			f, fok := b.free(fm, path)
			if !fok {
				continue
			}
			if line, dup := seen[f.Param]; dup {
				b.fail(fm.get("param"), field(path, "param"), "%s is already free (line %d)", f.Name, line)
				continue
			}
			seen[f.Param] = fm.get("param").Line
			cal.Free = append(cal.Free, f)
		}
	}
	b.sc.Calibration = cal
}

// dataFile reads the name of a file the scenario refers to (the data of
// its calibrate section, its parameter draws), what it must be and an
// example of the files shipped with interopsim: the name as written, and
// resolved against the scenario file's directory unless absolute, shipped
// (builtin:data/...) or in a built-in (whose relative names are shipped
// files). ok is false after a mistake is recorded.
func (b *builder) dataFile(v *yaml.Node, path, what, example string) (written, resolved string, ok bool) {
	s, ok := b.str(v, path)
	if !ok {
		return "", "", false
	}
	if strings.TrimSpace(s) == "" {
		b.fail(v, path, "must name %s, got an empty string", what)
		return "", "", false
	}
	resolved = s
	if rest, ok := strings.CutPrefix(s, shippedData); ok {
		if !fs.ValidPath(rest) {
			b.fail(v, path, "%q names no file shipped with interopsim: want %sdata/<path> such as %s%s", s, shippedData, shippedData, example)
			return "", "", false
		} else if _, err := fs.Stat(builtinFS, rest); err != nil {
			b.fail(v, path, "%q names no file shipped with interopsim (the files are those of scenarios/data in the repository, such as %s%s)", s, shippedData, example)
			return "", "", false
		}
	} else if !filepath.IsAbs(s) && !strings.HasPrefix(b.file, "builtin:") {
		resolved = filepath.Join(filepath.Dir(b.file), s)
	}
	return s, resolved, true
}

// readDataFile returns the content of the file p that the scenario read
// from file names (resolved by dataFile), described as what in errors:
// for a path starting "builtin:", or a relative path in a built-in, the
// file shipped with interopsim (scenarios/data/...), else the file at p,
// at most MaxDataBytes.
func readDataFile(file, p, what string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(p, shippedData); ok {
		b, err := builtinFS.ReadFile(rest)
		if err != nil {
			return nil, fmt.Errorf("%s shipped with interopsim: %w", what, err)
		}
		return b, nil
	}
	if strings.HasPrefix(file, "builtin:") && !filepath.IsAbs(p) {
		b, err := builtinFS.ReadFile(path.Clean(filepath.ToSlash(p)))
		if err != nil {
			return nil, fmt.Errorf("%s of built-in scenario %s: %w", what, strings.TrimPrefix(file, "builtin:"), err)
		}
		return b, nil
	}
	return readfile.ReadFile(p, what, MaxDataBytes)
}

// free reads one free parameter of the calibrate section.
func (b *builder) free(fm *mapping, path string) (Free, bool) {
	name, _, param, ok := b.param(fm.get("param"), field(path, "param"))
	if name == "" {
		return Free{}, false
	}
	f := Free{Name: name, Param: param}
	lo, lok := b.number(fm.get("lo"), field(path, "lo"))
	hi, hok := b.number(fm.get("hi"), field(path, "hi"))
	if !ok || !lok || !hok {
		return Free{}, false
	}
	f.Lo, f.Hi = lo, hi
	if err := CheckBounds(f); err != nil {
		b.fail(fm.get("lo"), field(path, "lo"), "%s", strings.TrimPrefix(err.Error(), name+": "))
		return Free{}, false
	}
	return f, true
}

// calibrationNode writes the calibrate section for Marshal.
func calibrationNode(cal *Calibration) *yaml.Node {
	m := newMap()
	if cal.Data != "" {
		m.add("data", str(cal.Data))
	}
	free := seq()
	for _, f := range cal.Free {
		fm := newMap()
		fm.Style = yaml.FlowStyle
		fm.add("param", str(f.Name))
		fm.add("lo", num(f.Lo))
		fm.add("hi", num(f.Hi))
		free.Content = append(free.Content, fm.Node)
	}
	m.add("free", free)
	return m.Node
}

// shippedData starts a calibrate data: path that names a file shipped
// with interopsim (scenarios/data in the repository, embedded in the
// program), such as "builtin:data/history/value_shares.csv": a copy of a
// built-in made with 'interopsim init' finds it from any directory.
const shippedData = "builtin:"

// CalibrationData returns the content of the data file of the scenario's
// calibrate section: for a path starting "builtin:", or a relative path
// in a built-in, the file shipped with interopsim (scenarios/data/...);
// else the file at Calibration.DataPath. It is an
// error if the scenario has no calibrate data.
func (s *Scenario) CalibrationData() ([]byte, error) {
	if s.Calibration == nil || s.Calibration.DataPath == "" {
		return nil, fmt.Errorf("scenario %s has no calibrate: data: file", s.Config.Name)
	}
	return readDataFile(s.File, s.Calibration.DataPath, "calibration data file")
}
