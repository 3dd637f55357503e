package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"gonum.org/v1/plot/vg"

	"github.com/interopsim/interopsim/internal/suggest"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

// engineFlag is a pflag.Value holding a sim.Engine.
type engineFlag struct{ engine sim.Engine }

func (f *engineFlag) String() string { return f.engine.String() }
func (f *engineFlag) Type() string   { return "engine" }

// Set accepts the names of sim.ParseEngine and rejects others, listing
// the valid ones and suggesting the nearest.
func (f *engineFlag) Set(s string) error {
	e, err := sim.ParseEngine(s)
	if err != nil {
		return fmt.Errorf("%w%s", err, suggest.Hint(s, []string{sim.AgentBased.String(), sim.MeanField.String(), sim.Counts.String()}))
	}
	f.engine = e
	return nil
}

// seedFlag is a pflag.Value holding an optional seed.
type seedFlag struct {
	seed uint64
	set  bool
}

func (f *seedFlag) String() string {
	if !f.set {
		return ""
	}
	return strconv.FormatUint(f.seed, 10)
}
func (f *seedFlag) Type() string { return "uint64" }

// Set accepts a whole number from 0 to 2^64-1.
func (f *seedFlag) Set(s string) error {
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return fmt.Errorf("want a whole number from 0 to %d", uint64(1<<64-1))
	}
	f.seed, f.set = v, true
	return nil
}

// agentsFlag is a pflag.Value holding an optional positive number of
// agents, or "population": one agent per person of the scenario.
type agentsFlag struct {
	n          int
	set        bool
	population bool
}

func (f *agentsFlag) String() string {
	switch {
	case f.population:
		return "population"
	case !f.set:
		return ""
	}
	return strconv.Itoa(f.n)
}
func (f *agentsFlag) Type() string { return "int" }

// Set accepts the forms of scenarios.ParseAgents, as the scenario's
// agents key does: 100000, 100_000, 100,000, 100k, 2m or 2M (million),
// 1.5M, 4e5, 1b; or population.
func (f *agentsFlag) Set(s string) error {
	if strings.EqualFold(strings.TrimSpace(s), "population") {
		f.n, f.set, f.population = 0, true, true
		return nil
	}
	v, err := scenarios.ParseAgents(s)
	if err != nil {
		return fmt.Errorf("%w; or population, for one agent per person", err)
	}
	f.n, f.set, f.population = v, true, false
	return nil
}

// workersFlag is a pflag.Value holding a number of workers, 0 or more.
type workersFlag struct{ n int }

func (f *workersFlag) String() string { return strconv.Itoa(f.n) }
func (f *workersFlag) Type() string   { return "int" }

// Set accepts a whole number from 0.
func (f *workersFlag) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return fmt.Errorf("want a whole number from 0 (0 uses every core)")
	}
	f.n = v
	return nil
}

// builtinFlag is a pflag.Value holding the name of a built-in scenario.
type builtinFlag struct{ name string }

func (f *builtinFlag) String() string { return f.name }
func (f *builtinFlag) Type() string   { return "name" }

// Set accepts the name of a built-in scenario, listing them and
// suggesting the nearest otherwise.
func (f *builtinFlag) Set(s string) error {
	if !isBuiltin(s) {
		return fmt.Errorf("no built-in scenario %q (valid: %s)%s", s, strings.Join(builtinNames(), ", "), suggest.Hint(s, builtinNames()))
	}
	f.name = s
	return nil
}

// switchValue is a boolean flag that takes no value (--force) or an
// explicit one (--force=false). It exists because pflag's own bool flags
// show as "--force[=true|false]" in help.
type switchValue bool

func (b *switchValue) String() string { return strconv.FormatBool(bool(*b)) }
func (b *switchValue) Type() string   { return "bool" }

// Set accepts the values of strconv.ParseBool.
func (b *switchValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*b = switchValue(v)
	return nil
}

// addSwitch defines a boolean flag stored in p, false by default.
func addSwitch(fs *pflag.FlagSet, p *bool, name, shorthand, usage string) {
	fs.VarPF((*switchValue)(p), name, shorthand, usage).NoOptDefVal = "true"
}

// formatsFlag is a pflag.Value holding the file formats of figures.
type formatsFlag struct{ formats []string }

// String returns the formats separated by commas, png when none is set.
func (f *formatsFlag) String() string {
	if len(f.formats) == 0 {
		return "png"
	}
	return strings.Join(f.formats, ",")
}
func (f *formatsFlag) Type() string { return "FORMATS" }

// Set accepts a comma-separated list of plots.Formats, in any case; a
// repeated flag adds to the list.
func (f *formatsFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		v = strings.ToLower(strings.TrimSpace(v))
		if !slices.Contains(plots.Formats, v) {
			return fmt.Errorf("unknown format %q (valid: %s)%s", v, strings.Join(plots.Formats, ", "), suggest.Hint(v, plots.Formats))
		}
		if !slices.Contains(f.formats, v) {
			f.formats = append(f.formats, v)
		}
	}
	return nil
}

// list returns the formats, png when none is set.
func (f *formatsFlag) list() []string {
	if len(f.formats) == 0 {
		return []string{"png"}
	}
	return f.formats
}

// Bounds of a figure's width or height.
const (
	minLength = 4 * vg.Centimeter
	maxLength = 200 * vg.Centimeter
)

// lengthUnits are the units of lengthFlag, with their size.
var lengthUnits = []struct {
	name string
	size vg.Length
}{{"mm", vg.Millimeter}, {"cm", vg.Centimeter}, {"in", vg.Inch}, {"pt", 1}}

// lengthFlag is a pflag.Value holding a physical length; zero means the
// default of package plots.
type lengthFlag struct {
	l   vg.Length
	def vg.Length // shown in help; zero shows "auto"
}

func (f *lengthFlag) String() string {
	l := f.l
	if l == 0 {
		l = f.def
	}
	if l == 0 {
		return "auto"
	}
	return strconv.FormatFloat(float64(l/vg.Centimeter), 'g', 4, 64) + "cm"
}
func (f *lengthFlag) Type() string { return "LENGTH" }

// Set accepts a number followed by a unit, mm, cm, in or pt (16cm, 6in,
// 450pt), from 4 cm to 2 m.
func (f *lengthFlag) Set(s string) error {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, u := range lengthUnits {
		num, ok := strings.CutSuffix(t, u.name)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			break
		}
		l := vg.Length(v) * u.size
		if l < minLength || l > maxLength {
			return fmt.Errorf("%s is out of range: want from 4cm to 200cm", s)
		}
		f.l = l
		return nil
	}
	return fmt.Errorf("want a number and a unit (mm, cm, in or pt), such as 16cm, 160mm, 6in or 450pt")
}

// Bounds of --dpi.
const (
	minDPI = 30
	maxDPI = 1200
)

// dpiFlag is a pflag.Value holding the resolution of PNG files.
type dpiFlag struct{ dpi int }

func (f *dpiFlag) String() string {
	if f.dpi == 0 {
		return strconv.Itoa(plots.DefaultDPI)
	}
	return strconv.Itoa(f.dpi)
}
func (f *dpiFlag) Type() string { return "N" }

// Set accepts a whole number from minDPI to maxDPI.
func (f *dpiFlag) Set(s string) error {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < minDPI || v > maxDPI {
		return fmt.Errorf("want a whole number of dots per inch from %d to %d", minDPI, maxDPI)
	}
	f.dpi = v
	return nil
}

// namesFlag is a pflag.Value holding a list of names, given separated by
// commas or in repeated flags. With valid set, Set rejects other names,
// listing the valid ones; without, the command checks them.
type namesFlag struct {
	names []string
	valid []string
	what  string // what a name names, for errors: "figure", "metric"
}

func (f *namesFlag) String() string { return strings.Join(f.names, ",") }
func (f *namesFlag) Type() string   { return "NAMES" }

// Set adds the comma-separated names of s, once each.
func (f *namesFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			return fmt.Errorf("empty name in %q", s)
		}
		if f.valid != nil && !slices.Contains(f.valid, v) {
			return fmt.Errorf("unknown %s %q (valid: %s)%s", f.what, v, strings.Join(f.valid, ", "), suggest.Hint(v, f.valid))
		}
		if !slices.Contains(f.names, v) {
			f.names = append(f.names, v)
		}
	}
	return nil
}

// check returns an error for each name that is not among valid.
func (f *namesFlag) check(flag string, valid []string) error {
	var errs []error
	for _, n := range f.names {
		if !slices.Contains(valid, n) {
			errs = append(errs, fmt.Errorf("--%s: unknown %s %q (valid: %s)%s", flag, f.what, n, strings.Join(valid, ", "), suggest.Hint(n, valid)))
		}
	}
	return errors.Join(errs...)
}

// tableFlag is --table: the format of a job's tables, csv (the default)
// or parquet, named by itself or by the extension of a file name
// (metrics.parquet).
type tableFlag struct{ format string }

func (f *tableFlag) String() string {
	if f.format == "" {
		return output.CSV
	}
	return f.format
}

func (f *tableFlag) Type() string { return "FORMAT" }

// Set accepts csv or parquet, in any case, or a file name ending in
// .csv or .parquet.
func (f *tableFlag) Set(s string) error {
	v := strings.ToLower(strings.TrimSpace(s))
	if ext := filepath.Ext(v); ext != "" {
		v = ext[1:]
	}
	if !output.IsTableFormat(v) {
		return fmt.Errorf("unknown table format %q (valid: %s, or a file name ending in .csv or .parquet)%s",
			s, strings.Join(output.TableFormats, ", "), suggest.Hint(v, output.TableFormats))
	}
	f.format = v
	return nil
}
