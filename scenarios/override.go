package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/interopsim/interopsim/sim"
)

// ScenarioKeys are the scenario-level values an override may set, beside
// the parameters of set events.
const ScenarioKeys = "agents, seed, end"

// Override is one value given on the command line as PARAM=VALUE
// (--set): a parameter named as in set events (behaviour.gamma,
// methods.wechat_pay.appeal, ...) or a scenario-level value (agents,
// seed, end).
type Override struct {
	// Name is PARAM as written and Value VALUE as written.
	Name, Value string
}

// ParseOverride splits s, written PARAM=VALUE, into an Override.
func ParseOverride(s string) (Override, error) {
	name, value, ok := strings.Cut(s, "=")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || value == "" {
		return Override{}, fmt.Errorf("%q: want PARAM=VALUE, such as behaviour.gamma=1.2, agents=100k or end=2026-01-05", s)
	}
	return Override{Name: name, Value: value}, nil
}

// CheckValue reports a value x that the parameter p, named name, may not
// take: the range a set event's value must lie in.
func CheckValue(name string, p sim.Param, x float64) error {
	spec, ok := specOf(p.Kind)
	if !ok {
		return fmt.Errorf("%s: unknown parameter kind %d", name, int(p.Kind))
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%s must be a finite number, got %s", name, fmtNum(x))
	}
	if !spec.bnd.holds(x) {
		return fmt.Errorf("%s must be %s, got %s", name, spec.bnd, fmtNum(x))
	}
	return nil
}

// Apply sets the value o names in s, as if the scenario file had said it:
// a parameter as of Start for the whole horizon (sim.Config.Set; later
// set events on it still apply from their dates), the seed, the total of
// agents (SetAgents) or the end of the horizon. The end is applied by
// writing the resolved scenario with the new end and reading it again,
// so that every check of a scenario file holds (no event after the end,
// ...). Marshal then writes the changed value, so that the resolved
// scenario reproduces the run. Its errors name the parameter and say
// what would be valid.
func (s *Scenario) Apply(o Override) error {
	switch o.Name {
	case "seed":
		seed, err := strconv.ParseUint(o.Value, 10, 64)
		if err != nil {
			return fmt.Errorf("want a whole number from 0 to %d", uint64(math.MaxUint64))
		}
		s.SetSeed(seed)
		return nil
	case "agents":
		n, err := ParseAgents(o.Value)
		if err != nil {
			return err
		}
		if err := s.SetAgents(n); err != nil {
			return err
		}
		return nil
	case "end":
		return s.setEnd(o.Value)
	}
	p, err := ParseParam(&s.Config, o.Name)
	if err != nil {
		return fmt.Errorf("%w; or one of the scenario's %s", err, ScenarioKeys)
	}
	x, err := strconv.ParseFloat(o.Value, 64)
	if err != nil {
		return fmt.Errorf("want a number, got %q", o.Value)
	}
	if err := CheckValue(o.Name, p, x); err != nil {
		return err
	}
	return s.Config.Set(p, x)
}

// setEnd moves the end of the horizon to the date v by parsing the
// resolved scenario with that end.
func (s *Scenario) setEnd(v string) error {
	if _, err := time.Parse(dateLayout, v); err != nil {
		return fmt.Errorf("want a date YYYY-MM-DD after the start, %s", s.Config.Start.Format(dateLayout))
	}
	resolved, err := Marshal(s)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(resolved, &doc); err != nil || len(doc.Content) != 1 {
		return fmt.Errorf("read the resolved scenario: %v", err)
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "end" {
			top.Content[i+1].Value = v
		}
	}
	data, err := yaml.Marshal(&doc)
	if err != nil {
		return err
	}
	ns, err := Parse(data, "")
	if err != nil {
		// The lines are those of the resolved scenario, not of a file
		// the user wrote: say the fields only.
		var msgs []string
		for _, e := range unjoin(err) {
			var fe *FieldError
			if errors.As(e, &fe) && fe.Field != "" {
				msgs = append(msgs, fe.Field+": "+fe.Msg)
			} else if fe != nil {
				msgs = append(msgs, fe.Msg)
			} else {
				msgs = append(msgs, e.Error())
			}
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	ns.File, ns.Source = s.File, s.Source
	*s = *ns
	return nil
}

// ApplyAll applies the overrides in order (see Apply), each error
// naming its PARAM=VALUE.
func (s *Scenario) ApplyAll(os []Override) error {
	for _, o := range os {
		if err := s.Apply(o); err != nil {
			return fmt.Errorf("--set %s=%s: %w", o.Name, o.Value, err)
		}
	}
	return nil
}

// unjoin returns the errors joined in err, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
