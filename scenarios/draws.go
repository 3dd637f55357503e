package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/internal/readfile"
	"github.com/interopsim/interopsim/sim"
)

// ParameterDraws is a scenario's parameter_draws key: a CSV file of draws
// from the distribution of some of its parameters (the draws.csv that
// 'interopsim calibrate' writes), from which 'interopsim run' and
// 'compare' take the parameter sets of --param-draws.
type ParameterDraws struct {
	// File is the file as written in the scenario, and Path that name
	// resolved against the scenario file's directory (see the calibrate
	// section's data, which is resolved alike).
	File, Path string
	// SHA256, if not empty, is the hex SHA-256 the file must have: the
	// mapping form {file: F, sha256: H} pins it, and Marshal writes it.
	SHA256 string
	// Set holds the file's draws, read and checked against the scenario
	// by Load; nil after Parse alone.
	Set *Draws
}

// Draws are parameter draws read from a CSV file by ReadDraws.
type Draws struct {
	// File is the file's name, as given to ReadDraws.
	File string
	// Names are the parameters as written in set events, in the order of
	// the file's columns, and Params the same in the engine's terms.
	Names  []string
	Params []sim.Param
	// Values holds the draws in file order: Values[d][j] is parameter j
	// in draw d+1.
	Values [][]float64
	// Method is the method=... of the file's "# interopsim draws:"
	// comment (sir or laplace for the files of 'interopsim calibrate'),
	// or "" when it has none.
	Method string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string
	// Raw holds the file's bytes.
	Raw []byte
}

// DrawsError is one mistake in a draws file, located by row (the line of
// the file) and column (the field's number, from 1). Its fields and message are
// readfile.RowError's.
type DrawsError = readfile.RowError

// DrawsComment starts the comment line of a draws file that says how it
// was made, such as "# interopsim draws: method=sir proposals=1000".
const DrawsComment = "# interopsim draws:"

// maxDrawsErrors is the number of mistakes ReadDraws reports before it
// stops.
const maxDrawsErrors = 20

var drawsMethodRE = regexp.MustCompile(`(?:^|\s)method=(\S+)`)

// ReadDraws reads a draws file for c: comment lines starting with #, then
// a header row draw,<param>,<param>,... naming parameters as in set
// events (behaviour.gamma, methods.wechat_pay.q, ...), each at most once,
// then one row per draw: its number (1, 2, 3, ... in order) and a finite
// value of every parameter within the parameter's valid range. name is
// used in errors. Every mistake found (up to 20) is returned, joined,
// each a *DrawsError naming its row and column.
func ReadDraws(data []byte, name string, c *sim.Config) (*Draws, error) {
	sum := sha256.Sum256(data)
	d := &Draws{File: name, SHA256: hex.EncodeToString(sum[:]), Raw: bytes.Clone(data)}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), DrawsComment); ok {
			if m := drawsMethodRE.FindStringSubmatch(rest); m != nil {
				d.Method = m[1]
			}
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var errs []error
	fail := func(row, col int, field, format string, a ...any) {
		errs = append(errs, &DrawsError{File: name, Row: row, Column: col, Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &DrawsError{File: name, Msg: "empty file: want a header row draw,<param>,... such as draw,behaviour.gamma,methods.wechat_pay.appeal"}
	}
	if err != nil {
		return nil, drawsCSVError(name, err)
	}
	headerRow, _ := cr.FieldPos(0)
	if strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff")) != "draw" {
		fail(headerRow, 1, header[0], "the first column must be draw (the draw's number), got %q", header[0])
	}
	var specs []paramSpec
	seen := map[sim.Param]int{}
	for i, h := range header[1:] {
		h = strings.TrimSpace(h)
		col := i + 2
		p, err := ParseParam(c, h)
		if err != nil {
			fail(headerRow, col, h, "%v", err)
			continue
		}
		if first, dup := seen[p]; dup {
			fail(headerRow, col, h, "duplicate column %q (first is column %d)", h, first)
			continue
		}
		seen[p] = col
		spec, _ := specOf(p.Kind)
		d.Names, d.Params, specs = append(d.Names, h), append(d.Params, p), append(specs, spec)
	}
	if len(header) < 2 {
		fail(headerRow, 0, "", "no parameter columns: want draw,<param>,... such as draw,behaviour.gamma")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for len(errs) < maxDrawsErrors {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, drawsCSVError(name, err))
			break
		}
		row, _ := cr.FieldPos(0)
		want := len(d.Values) + 1
		switch n, err := strconv.Atoi(strings.TrimSpace(rec[0])); {
		case err != nil:
			fail(row, 1, "draw", "want the draw's number %d, got %q", want, rec[0])
		case n < want:
			fail(row, 1, "draw", "duplicate draw %d: want draw %d here (draws are numbered 1, 2, 3, ... in order)", n, want)
		case n > want:
			fail(row, 1, "draw", "draw %d follows draw %d: draw %d is missing (draws are numbered 1, 2, 3, ... in order)", n, want-1, want)
		}
		vals := make([]float64, len(d.Params))
		for j, spec := range specs {
			s := strings.TrimSpace(rec[j+1])
			x, err := strconv.ParseFloat(s, 64)
			switch {
			case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
				fail(row, j+2, d.Names[j], "want a finite number, got %q", s)
			case !spec.bnd.holds(x):
				fail(row, j+2, d.Names[j], "%s must be %s, got %s", d.Names[j], spec.bnd, s)
			}
			vals[j] = x
		}
		d.Values = append(d.Values, vals)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(d.Values) == 0 {
		return nil, &DrawsError{File: name, Msg: "no draws after the header"}
	}
	return d, nil
}

// drawsCSVError locates a CSV syntax error, such as a row with too many
// fields.
func drawsCSVError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &DrawsError{File: name, Row: pe.Line, Column: pe.Column, Msg: "invalid CSV: " + pe.Err.Error()}
	}
	return fmt.Errorf("read %s: %w", name, err)
}

// Apply sets the parameters of draw i (from 0) in c, as Config.Set does:
// from the start of the horizon, where the parameters live. Parameters
// are found by name, so c may be another scenario of the same world (a
// comparison's baseline). c's slices are changed in place.
func (d *Draws) Apply(c *sim.Config, i int) error {
	if i < 0 || i >= len(d.Values) {
		return fmt.Errorf("%s: draw %d out of range: the file has %d", d.File, i+1, len(d.Values))
	}
	for j, name := range d.Names {
		p, err := ParseParam(c, name)
		if err != nil {
			return fmt.Errorf("%s: scenario %s: %w", d.File, c.Name, err)
		}
		if err := c.Set(p, d.Values[i][j]); err != nil {
			return fmt.Errorf("%s: %s: %w", d.File, name, err)
		}
	}
	return nil
}

// Keys of the mapping form of parameter_draws.
var drawsKeys = []string{"file", "sha256"}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// parameterDraws reads the parameter_draws key: a file name, or a
// mapping {file: F, sha256: H} that also pins the file's content.
func (b *builder) parameterDraws(n *yaml.Node) {
	const what, example = "a draws file (CSV, such as the draws.csv of interopsim calibrate)", "data/<file>.csv"
	pd := &ParameterDraws{}
	var ok bool
	if n.Kind == yaml.MappingNode {
		m := b.mapping(n, "parameter_draws", drawsKeys)
		if m == nil || !b.require(m, "file") {
			return
		}
		if pd.File, pd.Path, ok = b.dataFile(m.get("file"), "parameter_draws.file", what, example); !ok {
			return
		}
		if v := m.get("sha256"); v != nil {
			s, sok := b.str(v, "parameter_draws.sha256")
			if !sok {
				return
			}
			if !sha256RE.MatchString(s) {
				b.fail(v, "parameter_draws.sha256", "want the file's SHA-256 as 64 lowercase hex digits (sha256sum prints it), got %q", s)
				return
			}
			pd.SHA256 = s
		}
	} else if pd.File, pd.Path, ok = b.dataFile(n, "parameter_draws", what, example); !ok {
		return
	}
	b.sc.ParameterDraws = pd
}

// parameterDrawsNode writes the parameter_draws key for Marshal: the
// mapping form with the file's SHA-256 when it is known.
func parameterDrawsNode(pd *ParameterDraws) *yaml.Node {
	sum := pd.SHA256
	if pd.Set != nil {
		sum = pd.Set.SHA256
	}
	if sum == "" {
		return str(pd.File)
	}
	m := newMap()
	m.Style = yaml.FlowStyle
	m.add("file", str(pd.File))
	m.add("sha256", str(sum))
	return m.Node
}

// loadDraws reads and checks the scenario's parameter draws, if it names
// any, into ParameterDraws.Set.
func (s *Scenario) loadDraws() error {
	pd := s.ParameterDraws
	if pd == nil {
		return nil
	}
	data, err := readDataFile(s.File, pd.Path, "parameter draws file")
	if err != nil {
		return fmt.Errorf("%s: parameter_draws: %w", s.File, err)
	}
	set, err := ReadDraws(data, pd.Path, &s.Config)
	if err != nil {
		return fmt.Errorf("%s: parameter_draws: %w", s.File, err)
	}
	if pd.SHA256 != "" && pd.SHA256 != set.SHA256 {
		return fmt.Errorf("%s: parameter_draws: %s has SHA-256 %s, but the scenario pins %s: the file changed since the scenario was written",
			s.File, pd.Path, set.SHA256, pd.SHA256)
	}
	pd.Set = set
	return nil
}

// withDraws returns s with its parameter draws read (see loadDraws), for
// Load.
func withDraws(s *Scenario, err error) (*Scenario, error) {
	if err != nil {
		return nil, err
	}
	if err := s.loadDraws(); err != nil {
		return nil, err
	}
	return s, nil
}

// SetParameterDraws makes d the scenario's parameter draws, written
// file in its resolved scenario (Marshal): 'interopsim run --draws'
// replaces the scenario's own draws with those of a file.
func (s *Scenario) SetParameterDraws(d *Draws, file string) {
	s.ParameterDraws = &ParameterDraws{File: file, Path: d.File, SHA256: d.SHA256, Set: d}
}

// LoadDraws reads and checks the draws file at path for c (see
// ReadDraws): 'interopsim run --draws FILE'. The file may hold at most
// MaxDataBytes and must be a regular file.
func LoadDraws(path string, c *sim.Config) (*Draws, error) {
	data, err := readfile.ReadFile(path, "parameter draws file", MaxDataBytes)
	if err != nil {
		return nil, err
	}
	return ReadDraws(data, path, c)
}
