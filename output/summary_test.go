package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// smallStats returns the statistics of smallResult, a single run.
func smallStats(t *testing.T) *StatTable {
	t.Helper()
	st, err := Summarize(FromResult(smallResult()))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// smallCreated is the creation time of smallSummary: not in UTC and with
// a fraction of a second, which summary.json leaves out.
var smallCreated = time.Date(2026, 12, 1, 18, 30, 5, 999_000_000, time.FixedZone("CST", 8*3600))

func smallSummary(t *testing.T) *Summary {
	t.Helper()
	res := smallResult()
	s, err := NewSummary(smallStats(t), res.Config, RunInfo{
		File: "small.yaml", Source: []byte("name: small\n"), Resolved: []byte("# Scenario small, resolved from small.yaml.\n# Every default is written out.\nabc"), Seed: res.Seed,
		Engine: res.Engine, Command: []string{"run", "small.yaml", "--seed", "42"}, Created: smallCreated,
		Wall: 1234567 * time.Microsecond,
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
	if !reflect.DeepEqual(got.Provenance, s.Provenance) {
		t.Errorf("provenance: got %+v, want %+v", got.Provenance, s.Provenance)
	}
	if got.SchemaVersion != SchemaVersion {
		t.Errorf("schema version: got %d, want %d", got.SchemaVersion, SchemaVersion)
	}
	if len(got.Moments) != 2 || got.Moments[0].Name != Before || got.Moments[1].Name != Final {
		t.Fatalf("got %d moments, want 2, %s and %s", len(got.Moments), Before, Final)
	}
	// Region rural,west buys nothing at step 1: its shares are NaN,
	// written as null and read back as NaN, with no run holding them.
	rural := got.Moments[0].Figure(Key{"rural,west", "gmv_share", "taobao"})
	if got.Moments[0].Step != 1 || rural == nil || !math.IsNaN(float64(rural.Mean)) || rural.Runs != 0 {
		t.Errorf("got %+v, want a NaN gmv share of taobao in rural,west, from no run", rural)
	}
}

// TestSummaryFigures checks that a moment holds every figure of the
// table of summary.md with the statistics of metrics.csv at its step:
// for a single run its value, sd NaN and the value as every percentile;
// for an ensemble the statistics over replicates.
func TestSummaryFigures(t *testing.T) {
	cfg := reportConfig(true)
	for _, runs := range []int{1, 5} {
		t.Run(fmt.Sprintf("runs=%d", runs), func(t *testing.T) {
			st := reportStats(t, runs, true)
			s, err := NewSummary(st, cfg, RunInfo{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Provenance.Runs != runs {
				t.Errorf("provenance runs: got %d, want %d", s.Provenance.Runs, runs)
			}
			for _, m := range s.Moments {
				for _, k := range HeadlineKeys(cfg) {
					f := m.Figure(k)
					if f == nil {
						t.Fatalf("moment %s lacks %s, a figure of the report", m.Name, k)
					}
					r, _ := st.Lookup(m.Step, k)
					got := []float64{float64(f.Mean), float64(f.SD), float64(f.P05), float64(f.P50), float64(f.P95)}
					want := []float64{r.Mean, r.SD, r.P05, r.P50, r.P95}
					if f.Runs != r.Runs || !slices.EqualFunc(got, want, same) {
						t.Errorf("moment %s, %s: got runs %d %v, want runs %d %v", m.Name, k, f.Runs, got, r.Runs, want)
					}
					if runs == 1 && (!math.IsNaN(got[1]) || got[2] != got[0] || got[3] != got[0] || got[4] != got[0]) {
						t.Errorf("moment %s, %s: a single run's figure is %v, want sd NaN and every percentile the value", m.Name, k, got)
					}
					if runs > 1 && k.Metric == "payment_share" && m.Name == Final && !(got[2] < got[4] && got[1] > 0) {
						t.Errorf("moment %s, %s: got %v, want a spread over replicates", m.Name, k, got)
					}
				}
			}
			if f := s.Moments[1].Figure(Key{AllRegions, "lost_sales", "taobao_tmall"}); f == nil {
				t.Errorf("the final moment lacks lost_sales, which the report shows")
			}
		})
	}
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestSummaryProvenance(t *testing.T) {
	p := smallSummary(t).Provenance
	// The SHA-256 test vector of "abc" (FIPS 180-2).
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	want := Provenance{
		Scenario: "small", ScenarioFile: "small.yaml", ScenarioSHA256: p.ScenarioSHA256, ResolvedSHA256: abc,
		Seed: 42, Runs: 1, Agents: 40, Steps: 3, StepUnit: "week",
		Start: "2024-01-01", End: "2024-01-22", Engine: "agents",
		Version: ProgramVersion(), GoVersion: runtime.Version(),
		Command: []string{"run", "small.yaml", "--seed", "42"}, Created: "2026-12-01T10:30:05Z", WallSeconds: 1.235,
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v, want %+v", p, want)
	}
	s, err := NewSummary(smallStats(t), smallConfig(), RunInfo{Source: []byte("abc")})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Provenance.ScenarioSHA256; got != abc {
		t.Errorf("sha256 of abc: got %s, want %s", got, abc)
	}
	// An unknown command line is an empty list, not null.
	if b, _ := json.Marshal(s.Provenance); !strings.Contains(string(b), `"command":[]`) {
		t.Errorf("provenance without a command line: got %s, want \"command\":[]", b)
	}
}

func TestBeforeStep(t *testing.T) {
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
			step, note := beforeStep(cfg)
			if step != tc.step || !strings.HasPrefix(note, tc.noteHead) {
				t.Errorf("got step %d (%s), want step %d (%s...)", step, note, tc.step, tc.noteHead)
			}
		})
	}
}

func TestSummaryErrors(t *testing.T) {
	cfg := smallConfig()
	full := smallStats(t)
	drop := func(metric, region string, step int) *StatTable {
		t := &StatTable{Runs: full.Runs}
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
		tab  *StatTable
		want string
	}{
		{"empty", &StatTable{}, "summarise: the table has no rows"},
		{"missing figure", drop("lost_sale_rate", "tier1", 2), "summarise final moment: no lost_sale_rate of taobao in region tier1 at step 2"},
		{"missing lost sales", drop("lost_sales", "tier1", 2), "summarise final moment: no lost_sales of taobao in region tier1 at step 2"},
		{"missing before", drop("multihoming", AllRegions, 1), "summarise before moment: no multihoming of 2+ in region all at step 1"},
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

// TestFlattenLeaves checks that WriteSummary's layout changes only
// spaces and line breaks, outside strings, and puts objects and lists
// holding no other on one line.
func TestFlattenLeaves(t *testing.T) {
	in := map[string]any{
		"tricky": map[string]any{"a": `x"}{[ \`, "b": []any{1, "]", nil}},
		"nested": map[string]any{"c": map[string]any{"d": 1, "e": "f"}, "g": []any{}, "h": map[string]any{}},
	}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := flattenLeaves(b)
	var want, flat bytes.Buffer
	if err := json.Compact(&want, b); err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&flat, got); err != nil {
		t.Fatalf("flattened JSON does not parse: %v\n%s", err, got)
	}
	if flat.String() != want.String() {
		t.Errorf("flattening changed the content:\ngot  %s\nwant %s", flat.String(), want.String())
	}
	for _, line := range []string{
		`    "c": {"d": 1, "e": "f"},`,
		`    "b": [1, "]", null]`,
		`    "a": "x\"}{[ \\",`,
	} {
		if !strings.Contains(string(got), line+"\n") {
			t.Errorf("flattened JSON lacks the line %q:\n%s", line, got)
		}
	}
}
