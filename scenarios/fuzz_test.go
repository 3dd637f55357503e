package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

// FuzzParse checks that no input makes Parse panic, that every mistake is a
// *FieldError, and that every scenario Parse accepts survives Marshal and
// a second Parse unchanged and is accepted by the engine's own checks.
// Seeded with the built-ins and the valid and invalid test files; run it
// with
//
//	go test ./scenarios -run='^$' -fuzz=FuzzParse -fuzztime=30s -fuzzminimizetime=2s
//
// (the seeds are kilobytes long, and minimizing each new input at the
// default 60s would take up the whole run).
func FuzzParse(f *testing.F) {
	for _, b := range Builtins() {
		src, err := Template(b.Name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	files, err := filepath.Glob("testdata/*/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// The ends of every number's range (issue 12): the fuzzer mutates
	// them into values just inside and just outside.
	for _, edge := range []string{
		"population: 1\n    shopping_rate: 1e6\n    basket: 1e6",
		"population: 1e10\n    shopping_rate: 0\n    basket: 1e-300",
		"population: 0.999999\n    shopping_rate: 1e6\n    basket: 1000001",
		"population: 5e-324\n    shopping_rate: 50\n    basket: 100",
		"population: 1e60\n    shopping_rate: 1e60\n    basket: 100",
		"population: 1e6\n    shopping_rate: 50\n    basket: 100\n    segments:\n      - {name: few, share: 1e-9}\n      - {name: rest, share: 0.999999999}",
		"population: 1e6\n    shopping_rate: 50\n    basket: 100\n    segments:\n      - {name: few, share: 5e-324}\n      - {name: rest, share: 1}",
	} {
		f.Add([]byte("name: edge\nstart: 2024-01-01\nend: 2024-03-01\nagents: 50\n" +
			"methods:\n  - {name: alipay, appeal: 50, adoption: {p: 1e6, q: 1e6}, churn: 1e6}\n  - {name: card, appeal: -50}\n" +
			"platforms:\n  - {name: taobao, appeal: -50, loyalty: 50, accepts: [alipay], method_appeal: {card: 50}}\n" +
			"regions:\n  - name: north\n    " + edge + "\n" +
			"  - name: south\n    population: 1e6\n    shopping_rate: 50\n    basket: 100\n" +
			"behaviour: {kappa: 50, gamma: -50, delta: 50, loyalty: -50}\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a scenario and an error")
			}
			var list []error
			if u, ok := err.(interface{ Unwrap() []error }); ok {
				list = u.Unwrap()
			}
			if len(list) == 0 {
				t.Fatalf("error %v joins no mistakes", err)
			}
			for _, e := range list {
				var fe *FieldError
				if !errors.As(e, &fe) {
					t.Fatalf("error %q is not a *FieldError", e)
				}
			}
			return
		}
		if !bytes.Equal(s.Source, data) {
			t.Fatalf("Source differs from the input")
		}
		out, err := Marshal(s)
		if err != nil {
			t.Fatalf("Marshal of a parsed scenario: %v", err)
		}
		s2, err := Parse(out, "fuzz.yaml")
		if err != nil {
			t.Fatalf("Parse(Marshal(s)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(s.Config, s2.Config) || s.Seed != s2.Seed || s.Agents != s2.Agents {
			t.Fatalf("round trip changed the scenario:\n%+v\n%+v", s.Config, s2.Config)
		}
		// The engine's check walks every step; keep it to small inputs.
		if s.Config.Steps*(len(s.Config.Events)+1) <= 20000 {
			if err := s.Config.Validate(); err != nil {
				t.Fatalf("sim rejects a parsed Config: %v", err)
			}
		}
		// Whatever the numbers within their ranges, the engine runs
		// (small worlds only, to keep the fuzzer fast).
		if s.Config.Steps <= 60 && s.Agents <= 2000 {
			if _, err := sim.Run(&s.Config, s.Seed, &sim.Settings{Workers: 1}); err != nil {
				t.Fatalf("sim.Run of a parsed scenario: %v", err)
			}
		}
	})
}
