package output

import (
	"bytes"
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/sim"
)

func smallSummary(t *testing.T) *Summary {
	t.Helper()
	res := smallResult()
	s, err := NewSummary(FromResult(res), res.Config, RunInfo{
		File: "small.yaml", Source: []byte("name: small\n"), Seed: res.Seed,
		Engine: res.Engine, Wall: 1234567 * time.Microsecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGoldenSummary(t *testing.T) {
	s := smallSummary(t)
	// The program and Go versions depend on the build: fix them.
	s.Provenance.Version, s.Provenance.GoVersion = "test", "go-test"
	var b bytes.Buffer
	if err := WriteSummary(&b, s); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "small_golden.json", b.Bytes())
}

func TestSummaryRoundTrip(t *testing.T) {
	s := smallSummary(t)
	var b bytes.Buffer
	if err := WriteSummary(&b, s); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSummary(&b, "summary.json")
	if err != nil {
		t.Fatal(err)
	}
	if got.Provenance != s.Provenance {
		t.Errorf("provenance: got %+v, want %+v", got.Provenance, s.Provenance)
	}
	if len(got.Moments) != 2 {
		t.Fatalf("got %d moments, want 2", len(got.Moments))
	}
	// Region rural,west buys nothing at step 1: its shares are NaN,
	// written as null and read back as NaN.
	rural := got.Moments[0].Regions[2]
	if got.Moments[0].Step != 1 || rural.Region != "rural,west" || !math.IsNaN(float64(rural.GMVShare[0].Value)) {
		t.Errorf("got %+v, want region rural,west with a NaN gmv share", rural)
	}
}

func TestSummaryProvenance(t *testing.T) {
	p := smallSummary(t).Provenance
	want := Provenance{
		Scenario: "small", ScenarioFile: "small.yaml", ScenarioSHA256: p.ScenarioSHA256,
		ResolvedSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // of no bytes: smallSummary resolves nothing
		Seed:           42, Runs: 1, Agents: 40, Steps: 3, StepUnit: "week",
		Start: "2024-01-01", End: "2024-01-22", Engine: "agents",
		Version: ProgramVersion(), GoVersion: runtime.Version(), WallSeconds: 1.235,
	}
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
	s, err := NewSummary(FromResult(smallResult()), smallConfig(), RunInfo{Source: []byte("abc")})
	if err != nil {
		t.Fatal(err)
	}
	// The SHA-256 test vector of "abc" (FIPS 180-2).
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := s.Provenance.ScenarioSHA256; got != abc {
		t.Errorf("sha256 of abc: got %s, want %s", got, abc)
	}
}

func TestBaseline(t *testing.T) {
	accept := func(d string) sim.Event { return sim.Event{Kind: sim.Accept, Date: date(d), Platform: 0, Method: 1} }
	stop := sim.Event{Kind: sim.StopAccepting, Date: date("2024-01-01"), Platform: 1, Method: 1}
	for _, tc := range []struct {
		name     string
		events   []sim.Event
		step     int
		noteHead string
	}{
		{"no event", nil, 0, "first step: the scenario has no acceptance event"},
		{"only a stop", []sim.Event{stop}, 0, "first step: the scenario has no acceptance event"},
		{"at start", []sim.Event{accept("2024-01-01")}, 0, "first step: taobao accepts wechat+pay from 2024-01-01, from the start"},
		{"before start", []sim.Event{accept("2023-06-01")}, 0, "first step:"},
		{"on a step's first day", []sim.Event{accept("2024-01-08")}, 0, "last step before taobao accepts wechat+pay from 2024-01-08"},
		{"inside a step", []sim.Event{accept("2024-01-09")}, 1, "last step before"},
		{"earliest of two", []sim.Event{accept("2024-01-20"), stop, accept("2024-01-10")}, 1, "last step before taobao accepts wechat+pay from 2024-01-10"},
		{"after the horizon", []sim.Event{accept("2024-03-01")}, 2, "last step: taobao accepts wechat+pay from 2024-03-01, after the horizon"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.Events = tc.events
			step, note := baselineStep(cfg)
			if step != tc.step || !strings.HasPrefix(note, tc.noteHead) {
				t.Errorf("got step %d (%s), want step %d (%s...)", step, note, tc.step, tc.noteHead)
			}
		})
	}
}

func TestSummaryErrors(t *testing.T) {
	cfg := smallConfig()
	full := FromResult(smallResult())
	drop := func(metric, region string, step int) *Table {
		t := &Table{}
		for _, r := range full.Rows {
			if r.Metric == metric && r.Region == region && r.Step == step {
				continue
			}
			t.Rows = append(t.Rows, r)
		}
		return t
	}
	for _, tc := range []struct {
		name string
		tab  *Table
		want string
	}{
		{"empty", &Table{}, "summarise: the table has no rows"},
		{"missing figure", drop("lost_sale_rate", "tier1", 2), "summarise final moment: no lost_sale_rate of taobao in region tier1 at step 2"},
		{"missing baseline", drop("multihoming", AllRegions, 1), "summarise baseline moment: no multihoming of 2+ in region all at step 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSummary(tc.tab, cfg, RunInfo{})
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestValueJSON(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0.25, "0.25"},
		{1.0 / 3, "0.3333333333"},
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
		{2e-7, "2e-07"},
	} {
		b, err := json.Marshal(Value(tc.v))
		if err != nil || string(b) != tc.want {
			t.Errorf("marshal %v: got %s, %v, want %s", tc.v, b, err, tc.want)
		}
	}
	var v Value
	if err := json.Unmarshal([]byte("null"), &v); err != nil || !math.IsNaN(float64(v)) {
		t.Errorf("unmarshal null: got %v, %v, want NaN", v, err)
	}
	if err := json.Unmarshal([]byte(`"x"`), &v); err == nil {
		t.Errorf("unmarshal a string: got no error")
	}
}
