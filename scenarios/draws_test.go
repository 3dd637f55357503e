package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

// drawsYAML is calibrateYAML without its calibrate section, naming a
// draws file.
var drawsYAML = strings.Split(calibrateYAML, "calibrate:")[0] + "parameter_draws: draws.csv\n"

const goodDraws = `# interopsim draws: method=sir proposals=10
draw,behaviour.gamma,methods.wechat_pay.appeal
1,0.9,0.1
2,1.1,-0.2
3,1.0,0
`

// writeScenario writes the scenario yaml and the draws file csv into a
// temporary directory and returns the scenario's path.
func writeScenario(t *testing.T, yaml, csv string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "draws.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "mini.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParameterDraws(t *testing.T) {
	path := writeScenario(t, drawsYAML, goodDraws)
	sc, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d := sc.ParameterDraws.Set
	if d == nil || len(d.Values) != 3 || d.Method != "sir" || strings.Join(d.Names, " ") != "behaviour.gamma methods.wechat_pay.appeal" {
		t.Fatalf("got %+v, want 3 draws of 2 parameters by sir", d)
	}
	cfg := sc.Config
	cfg.Methods = append([]sim.Method(nil), sc.Config.Methods...)
	if err := d.Apply(&cfg, 1); err != nil {
		t.Fatal(err)
	}
	if cfg.Behaviour.Gamma != 1.1 || cfg.Methods[1].Appeal != -0.2 {
		t.Errorf("draw 2 applied: gamma %g, appeal %g; want 1.1, -0.2", cfg.Behaviour.Gamma, cfg.Methods[1].Appeal)
	}
	if sc.Config.Methods[1].Appeal != 0 {
		t.Errorf("Apply changed the scenario's own methods")
	}
	// Marshal pins the content; the resolved file loads again with the
	// same draws, and refuses a changed file.
	b, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	want := "parameter_draws: {file: draws.csv, sha256: " + d.SHA256 + "}\n"
	if !strings.Contains(string(b), want) {
		t.Fatalf("marshalled scenario lacks %q:\n%s", want, b)
	}
	resolved := filepath.Join(filepath.Dir(path), "resolved.yaml")
	if err := os.WriteFile(resolved, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if back, err := Load(resolved); err != nil || back.ParameterDraws.Set.SHA256 != d.SHA256 {
		t.Fatalf("load marshalled: %v", err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "draws.csv"), []byte(goodDraws+"4,1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(resolved); err == nil || !strings.Contains(err.Error(), "the file changed since the scenario was written") {
		t.Errorf("changed draws file: got %v, want a SHA-256 mismatch", err)
	}
}

func TestParameterDrawsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, csv string
		want            []string
	}{
		{"unknown parameter", drawsYAML, "draw,behaviour.gama\n1,1\n",
			[]string{"draws.csv: row 1, column 2 (behaviour.gama): unknown parameter \"behaviour.gama\"; valid forms: behaviour.beta"}},
		{"unknown method", drawsYAML, "draw,methods.paypal.q\n1,1\n",
			[]string{"row 1, column 2 (methods.paypal.q): parameter \"methods.paypal.q\": unknown method \"paypal\" (valid: alipay, wechat_pay)"}},
		{"duplicate column", drawsYAML, "draw,behaviour.gamma,behaviour.gamma\n1,1,1\n",
			[]string{"row 1, column 3 (behaviour.gamma): duplicate column \"behaviour.gamma\" (first is column 2)"}},
		{"no draw column", drawsYAML, "behaviour.gamma\n1\n",
			[]string{"row 1, column 1 (behaviour.gamma): the first column must be draw"}},
		{"not finite", drawsYAML, "# a comment\ndraw,behaviour.gamma\n1,NaN\n2,high\n3,+Inf\n",
			[]string{"row 3, column 2 (behaviour.gamma): want a finite number, got \"NaN\"",
				"row 4, column 2 (behaviour.gamma): want a finite number, got \"high\"",
				"row 5, column 2 (behaviour.gamma): want a finite number, got \"+Inf\""}},
		{"out of range", drawsYAML, "draw,behaviour.beta,methods.alipay.q\n1,1.5,-1\n",
			[]string{"row 2, column 2 (behaviour.beta): behaviour.beta must be in [0,1], got 1.5",
				"row 2, column 3 (methods.alipay.q): methods.alipay.q must be in [0,1e6], got -1"}},
		{"duplicate draw", drawsYAML, "draw,behaviour.gamma\n1,1\n1,2\n",
			[]string{"row 3, column 1 (draw): duplicate draw 1: want draw 2 here"}},
		{"missing draw", drawsYAML, "draw,behaviour.gamma\n1,1\n3,2\n",
			[]string{"row 3, column 1 (draw): draw 3 follows draw 1: draw 2 is missing"}},
		{"short row", drawsYAML, "draw,behaviour.gamma\n1\n",
			[]string{"row 2, column 1: invalid CSV: wrong number of fields"}},
		{"no draws", drawsYAML, "draw,behaviour.gamma\n", []string{"draws.csv: no draws after the header"}},
		{"empty", drawsYAML, "", []string{"draws.csv: empty file: want a header row draw,<param>"}},
		{"missing file", strings.Replace(drawsYAML, "draws.csv", "nothing.csv", 1), goodDraws,
			[]string{"mini.yaml: parameter_draws: ", "nothing.csv"}},
		{"bad sha256", strings.Replace(drawsYAML, "draws.csv", "{file: draws.csv, sha256: abc}", 1), goodDraws,
			[]string{"parameter_draws.sha256: want the file's SHA-256 as 64 lowercase hex digits"}},
		{"no file", strings.Replace(drawsYAML, "draws.csv", "{sha256: abc}", 1), goodDraws,
			[]string{"missing required key", "file"}},
		{"not shipped", strings.Replace(drawsYAML, "draws.csv", "builtin:data/nothing.csv", 1), goodDraws,
			[]string{"parameter_draws: \"builtin:data/nothing.csv\" names no file shipped with interopsim"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeScenario(t, tc.yaml, tc.csv))
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %v\nwant it to contain %q", err, w)
				}
			}
			var de *DrawsError
			if strings.HasPrefix(tc.want[0], "row") && !errors.As(err, &de) {
				t.Errorf("got %T, want a *DrawsError", err)
			}
		})
	}
}

// FuzzReadDraws checks that no draws file makes ReadDraws panic.
func FuzzReadDraws(f *testing.F) {
	f.Add([]byte(goodDraws))
	f.Add([]byte("draw,behaviour.gamma\n1,\"x\n"))
	sc, err := Parse([]byte(drawsYAML), "mini.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadDraws(data, "fuzz.csv", &sc.Config)
	})
}
