package scenarios

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

func TestBuiltins(t *testing.T) {
	list := Builtins()
	if len(list) == 0 || list[0].Name != Default {
		t.Fatalf("Builtins()[0] = %v, want the flagship %s first", list, Default)
	}
	for _, b := range list {
		t.Run(b.Name, func(t *testing.T) {
			if b.Description == "" {
				t.Errorf("no description")
			}
			s, err := Load(b.Name)
			if err != nil {
				t.Fatal(err)
			}
			if s.Config.Name != b.Name || s.File != "builtin:"+b.Name {
				t.Errorf("got name %q, file %q; want %q, builtin:%s", s.Config.Name, s.File, b.Name, b.Name)
			}
			src, err := Template(b.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(src, s.Source) {
				t.Errorf("Template and Load disagree on the source")
			}
			if err := s.Config.Validate(); err != nil {
				t.Errorf("sim rejects the Config: %v", err)
			}
		})
	}
	// Builtins returns a copy.
	list[0].Name = "changed"
	if Builtins()[0].Name != Default {
		t.Errorf("Builtins exposes its internal slice")
	}
}

func TestFlagship(t *testing.T) {
	s, err := Load(Default)
	if err != nil {
		t.Fatal(err)
	}
	c := &s.Config
	names := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"start", c.Start, day("2023-01-02")},
		{"step", c.Step, sim.Week},
		{"steps", c.Steps, 260},
		{"agents", s.Agents, 400000},
		{"currency", s.Currency, "CNY"},
		{"regions", names(len(c.Regions), func(i int) string { return c.Regions[i].Name }), []string{"tier1", "tier2", "lower_tier", "rural"}},
		{"methods", names(len(c.Methods), func(i int) string { return c.Methods[i].Label }), []string{"Alipay", "WeChat Pay", "Bank card/UnionPay"}},
		{"platforms", names(len(c.Platforms), func(i int) string { return c.Platforms[i].Label }), []string{"Taobao/Tmall", "JD", "Pinduoduo", "Douyin"}},
		{"taobao accepts", c.Platforms[0].Accepts, []bool{true, false, true}},
		{"jd accepts", c.Platforms[1].Accepts, []bool{false, true, true}},
		{"pinduoduo accepts", c.Platforms[2].Accepts, []bool{true, true, true}},
		{"douyin accepts", c.Platforms[3].Accepts, []bool{true, true, true}},
		{"events", len(c.Events), 1},
		{"event", c.Events[0], sim.Event{Kind: sim.Accept, Date: day("2024-09-12"), Label: "Taobao accepts WeChat Pay", Platform: 0, Method: 1, RolloutDays: 14}},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s: got %v, want %v", ck.what, ck.got, ck.want)
		}
	}
	// The calibration the comments describe: 914.5 million online
	// shoppers, and about 15.4tn CNY a year of online retail sales.
	pop, value := 0.0, 0.0
	for _, r := range c.Regions {
		pop += r.Population
		for _, sg := range r.Segments {
			value += r.Population * sg.Share * sg.ShoppingRate * sg.Basket
		}
	}
	if math.Abs(pop-914.5e6) > 1e6 {
		t.Errorf("population %v, want 914.5 million", pop)
	}
	if math.Abs(value-15.4e12)/15.4e12 > 0.01 {
		t.Errorf("yearly value %v, want 15.4tn within 1%%", value)
	}
	// Holdings: the 2024 survey's 91%, 86% and 45% everywhere, held
	// jointly as the 2019 survey raked to them (both wallets 80.8%), and
	// the classes' shares from the 2020 survey of first choices.
	firstChoice := []float64{0.76, 0.76, 0.83, 0.78}
	for i, r := range c.Regions {
		sg := r.Segments[0]
		for m, want := range []float64{0.91, 0.86, 0.45} {
			if math.Abs(sg.Holdings[m]-want) > 1e-9 {
				t.Errorf("region %s holds %s at %v, want %v", r.Name, c.Methods[m].Name, sg.Holdings[m], want)
			}
		}
		if both := sg.Wallets[3] + sg.Wallets[7]; math.Abs(both-0.808) > 0.001 {
			t.Errorf("region %s: both wallets %v, want 0.808", r.Name, both)
		}
		if got := sg.ClassShares[1]; got != firstChoice[i] {
			t.Errorf("region %s: WeChat Pay first for %v, want %v", r.Name, got, firstChoice[i])
		}
	}
	if !c.Platforms[0].OwnMemory || !c.Platforms[1].OwnMemory || c.Platforms[2].OwnMemory || c.Platforms[3].OwnMemory {
		t.Error("Taobao/Tmall and JD remember on their own, Pinduoduo and Douyin share the habit")
	}
}

// TestBuiltinsConsistent checks that the built-ins describe the same world
// as the flagship and differ only where they mean to.
func TestBuiltinsConsistent(t *testing.T) {
	flag, err := Load(Default)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		accepts [][]bool // per platform; nil means as the flagship
		events  int
	}{
		{"walled-gardens", nil, 0},
		{"full-interop", [][]bool{{true, true, true}, {true, true, true}, {true, true, true}, {true, true, true}}, 0},
		{"jd-alipay", nil, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			a, b := flag.Config, s.Config
			same := []struct {
				what      string
				got, want any
			}{
				{"regions", b.Regions, a.Regions},
				{"methods", b.Methods, a.Methods},
				{"behaviour", b.Behaviour, a.Behaviour},
				{"horizon", []any{b.Start, b.Step, b.Steps}, []any{a.Start, a.Step, a.Steps}},
				{"seed and agents", []any{s.Seed, s.Agents, s.Currency}, []any{flag.Seed, flag.Agents, flag.Currency}},
				{"events", len(b.Events), tc.events},
			}
			for i := range a.Platforms {
				pa, pb := a.Platforms[i], b.Platforms[i]
				if tc.accepts != nil {
					pa.Accepts = tc.accepts[i]
				}
				same = append(same, struct {
					what      string
					got, want any
				}{"platform " + pa.Name, pb, pa})
			}
			for _, ck := range same {
				if !reflect.DeepEqual(ck.got, ck.want) {
					t.Errorf("%s: got %+v, want %+v", ck.what, ck.got, ck.want)
				}
			}
			if tc.name == "jd-alipay" {
				if !reflect.DeepEqual(b.Events[0], a.Events[0]) {
					t.Errorf("first event %+v, want the flagship's %+v", b.Events[0], a.Events[0])
				}
				want := sim.Event{Kind: sim.Accept, Date: day("2024-10-29"), Label: "JD accepts Alipay", Platform: 1, Method: 0, RolloutDays: 7}
				if !reflect.DeepEqual(b.Events[1], want) {
					t.Errorf("second event %+v, want %+v", b.Events[1], want)
				}
			}
		})
	}
}

// roundTrip marshals s, parses the result and checks that it describes the
// same simulation; it returns the marshalled bytes.
func roundTrip(t *testing.T, s *Scenario) []byte {
	t.Helper()
	out, err := Marshal(s)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	again, err := Marshal(s)
	if err != nil || !bytes.Equal(out, again) {
		t.Fatalf("Marshal is not deterministic (%v)", err)
	}
	if !bytes.HasPrefix(out, []byte("# Scenario ")) || !bytes.Contains(out[:200], []byte("resolved by interopsim")) {
		t.Errorf("no header comment saying the file was resolved by interopsim")
	}
	s2, err := Parse(out, s.File)
	if err != nil {
		t.Fatalf("Parse(Marshal(s)): %v\n%s", err, out)
	}
	if !reflect.DeepEqual(s2.Config, s.Config) {
		t.Errorf("Config differs after the round trip:\ngot  %+v\nwant %+v", s2.Config, s.Config)
	}
	if s2.Seed != s.Seed || s2.Agents != s.Agents || s2.Currency != s.Currency || s2.Description != s.Description {
		t.Errorf("got seed %d, agents %d, currency %q, description %q; want %d, %d, %q, %q",
			s2.Seed, s2.Agents, s2.Currency, s2.Description, s.Seed, s.Agents, s.Currency, s.Description)
	}
	if !reflect.DeepEqual(s2.Calibration, s.Calibration) {
		t.Errorf("calibrate section differs after the round trip:\ngot  %+v\nwant %+v", s2.Calibration, s.Calibration)
	}
	// A resolved file is a fixed point.
	out2, err := Marshal(s2)
	if err != nil || !bytes.Equal(out, out2) {
		t.Errorf("Marshal(Parse(Marshal(s))) differs from Marshal(s) (%v)", err)
	}
	return out
}

func TestMarshalRoundTrip(t *testing.T) {
	type source struct{ name, path string }
	var sources []source
	for _, b := range Builtins() {
		sources = append(sources, source{b.Name, b.Name})
	}
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, f := range files {
		sources = append(sources, source{filepath.Base(f), f})
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			s, err := Load(src.path)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, s)
			if err := s.SetAgents(12345); err != nil {
				t.Fatal(err)
			}
			s.SetSeed(math.MaxUint64)
			roundTrip(t, s)
		})
	}
}

func TestMarshalRejectsMalformed(t *testing.T) {
	good := func() *Scenario {
		s, err := Load("testdata/valid/segments.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name    string
		corrupt func(s *Scenario)
	}{
		{"no methods", func(s *Scenario) { s.Config.Methods = nil }},
		{"no steps", func(s *Scenario) { s.Config.Steps = 0 }},
		{"bad step", func(s *Scenario) { s.Config.Step = 7 }},
		{"short accepts", func(s *Scenario) { s.Config.Platforms[0].Accepts = nil }},
		{"short holdings", func(s *Scenario) { s.Config.Regions[0].Segments[1].Holdings = []float64{1} }},
		{"no segments", func(s *Scenario) { s.Config.Regions[1].Segments = nil }},
		{"event method", func(s *Scenario) { s.Config.Events[0].Method = 9 }},
		{"event kind", func(s *Scenario) { s.Config.Events[0].Kind = 42 }},
		{"param index", func(s *Scenario) { s.Config.Events[4].Param.Index = -1 }},
		{"param kind", func(s *Scenario) { s.Config.Events[3].Param.Kind = 99 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := good()
			tc.corrupt(s)
			if _, err := Marshal(s); err == nil {
				t.Errorf("Marshal accepted a malformed scenario")
			}
		})
	}
	if _, err := Marshal(nil); err == nil {
		t.Errorf("Marshal(nil) succeeded")
	}
}

func TestSetAgents(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		n       int
		wantErr string
	}{
		{"flagship", Default, 400000, ""},
		{"flagship small", Default, 1000, ""},
		{"flagship one a class", Default, 8, ""},
		{"fewer than classes", Default, 5, "at least 8, one for each preference class"},
		{"segments", "testdata/valid/segments.yaml", 977, ""},
		{"segments odd", "testdata/valid/segments.yaml", 10007, ""},
		{"fewer than segments", Default, 3, "at least the number of segments (4)"},
		{"zero", Default, 0, "must be positive"},
		{"negative", Default, -5, "must be positive"},
		{"too many", Default, MaxAgents + 1, "at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			before := s.Config.Agents()
			err = s.SetAgents(tc.n)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				if s.Config.Agents() != before || s.Agents != before {
					t.Errorf("a failed SetAgents changed the allocation")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Agents != tc.n || s.Config.Agents() != tc.n {
				t.Errorf("got %d agents (%d allocated), want %d", s.Agents, s.Config.Agents(), tc.n)
			}
			if err := s.Config.Validate(); err != nil {
				t.Errorf("the allocation does not run: %v", err)
			}
			total := 0.0
			for _, r := range s.Config.Regions {
				total += r.Population
			}
			// Every segment has its least (one agent a class with people);
			// with agents to spare, each is within one of its quota.
			least := leastAgents(&s.Config)
			sum := 0
			for _, x := range least {
				sum += x
			}
			var first []int
			k := 0
			for _, r := range s.Config.Regions {
				for _, sg := range r.Segments {
					quota := float64(tc.n) * r.Population * sg.Share / total
					spare := tc.n >= 4*sum
					if sg.Agents < least[k] || (spare && quota >= float64(least[k]) && math.Abs(float64(sg.Agents)-quota) >= 1) {
						t.Errorf("segment %s/%s: %d agents for a quota of %.3f (least %d)", r.Name, sg.Name, sg.Agents, quota, least[k])
					}
					first = append(first, sg.Agents)
					k++
				}
			}
			// Deterministic: the same call gives the same allocation.
			if err := s.SetAgents(tc.n); err != nil {
				t.Fatal(err)
			}
			var second []int
			for _, r := range s.Config.Regions {
				for _, sg := range r.Segments {
					second = append(second, sg.Agents)
				}
			}
			if !reflect.DeepEqual(first, second) {
				t.Errorf("got %v then %v", first, second)
			}
		})
	}
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name string
		w    []float64
		n    int
		want []int
	}{
		{"even", []float64{1, 1, 1, 1}, 8, []int{2, 2, 2, 2}},
		{"tie to the first", []float64{1, 1, 1}, 4, []int{2, 1, 1}},
		{"largest remainder", []float64{0.75, 1.125, 0.625, 0.5}, 1001, []int{250, 375, 209, 167}},
		{"tiny gets one", []float64{1e-9, 1, 1}, 10, []int{1, 5, 4}},
		{"several tiny", []float64{0.97, 0.01, 0.01, 0.01}, 5, []int{2, 1, 1, 1}},
		{"one each", []float64{5, 1, 1}, 3, []int{1, 1, 1}},
		{"zero weight", []float64{0, 1}, 5, []int{1, 4}},
		{"single", []float64{0.3}, 7, []int{7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := apportion(tc.w, tc.n)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	s, err := Load("testdata/valid/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "testdata/valid/minimal.yaml" {
		t.Errorf("File = %q, want the path", s.File)
	}

	_, err = Load("no-such-scenario")
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want an error wrapping fs.ErrNotExist", err)
	}
	for _, b := range Builtins() {
		if !strings.Contains(err.Error(), b.Name) {
			t.Errorf("error %q does not list built-in %s", err, b.Name)
		}
	}

	if _, err = Load("testdata"); err == nil || !strings.Contains(err.Error(), "load scenario testdata") {
		t.Errorf("reading a directory: got %v, want a wrapped read error", err)
	}

	_, err = Load("testdata/invalid/04-negative.yaml")
	var fe *FieldError
	if !errors.As(err, &fe) || fe.File != "testdata/invalid/04-negative.yaml" {
		t.Errorf("got %v, want *FieldErrors naming the file", err)
	}
}

func TestTemplate(t *testing.T) {
	src, err := Template(Default)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("# ")) {
		t.Errorf("the template has no comments")
	}
	// Callers may change the bytes without changing the built-in.
	src[0] = 'X'
	if again, _ := Template(Default); again[0] == 'X' {
		t.Errorf("Template returns shared bytes")
	}
	if _, err := Template("nope"); err == nil || !strings.Contains(err.Error(), Default) {
		t.Errorf("got %v, want an error listing the built-ins", err)
	}
}

func TestRename(t *testing.T) {
	flagship, err := Template(Default)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		src      string
		newName  string
		want     string // expected output; empty to skip
		wantErr  string
		parsedAs string // expected Config.Name; empty to skip parsing
	}{
		{"plain", "name: old\nstart: 1\n", "new-one", "name: new-one\nstart: 1\n", "", ""},
		{"comment kept", "# head\nname: old   # the id\nx: 1\n", "fresh", "# head\nname: fresh   # the id\nx: 1\n", "", ""},
		{"double quoted", "name: \"old \\\" x\"\n", "n2", "name: n2\n", "", ""},
		{"single quoted", "name: 'it''s'  # c\n", "n3", "name: n3  # c\n", "", ""},
		{"needs quotes", "name: old\n", "null", "name: \"null\"\n", "", ""},
		{"number needs quotes", "name: old\n", "123", "name: \"123\"\n", "", ""},
		{"crlf", "name: old\r\nx: 1\r\n", "n4", "name: n4\r\nx: 1\r\n", "", ""},
		{"flow mapping", "{name: old, x: 1}\n", "n5", "{name: n5, x: 1}\n", "", ""},
		{"bad name", "name: old\n", "Bad Name", "", "invalid scenario name", ""},
		{"no name", "start: 1\n", "n", "", "no top-level name", ""},
		{"not a mapping", "- a\n", "n", "", "not a mapping", ""},
		{"multi-line", "name: old\n  continued\n", "n", "", "several lines", ""},
		{"block scalar", "name: |\n  old\n", "n", "", "several lines", ""},
		{"syntax error", "name: [\n", "n", "", "rename scenario", ""},
		{"flagship", string(flagship), "my-study", "", "", "my-study"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Rename([]byte(tc.src), tc.newName)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if tc.parsedAs != "" {
				s, err := Parse(got, "renamed.yaml")
				if err != nil {
					t.Fatal(err)
				}
				orig, _ := Parse([]byte(tc.src), "orig.yaml")
				if s.Config.Name != tc.parsedAs {
					t.Errorf("parsed name %q, want %q", s.Config.Name, tc.parsedAs)
				}
				s.Config.Name = orig.Config.Name
				if !reflect.DeepEqual(s.Config, orig.Config) {
					t.Errorf("renaming changed more than the name")
				}
				if d := bytes.Count([]byte(tc.src), []byte("\n")) - bytes.Count(got, []byte("\n")); d != 0 {
					t.Errorf("renaming changed the number of lines by %d", d)
				}
			}
		})
	}
}

// TestDocsExample parses the full example of docs/scenarios.md, so that
// the reference stays true.
func TestDocsExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "scenarios.md"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("docs/scenarios.md not found")
	}
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := bytes.Cut(doc, []byte("## A full example"))
	if !ok {
		t.Fatal("no full example section")
	}
	_, block, ok1 := bytes.Cut(after, []byte("```yaml\n"))
	block, _, ok2 := bytes.Cut(block, []byte("```"))
	if !ok1 || !ok2 {
		t.Fatal("no yaml block in the full example")
	}
	s, err := Parse(block, "docs example")
	if err != nil {
		t.Fatal(err)
	}
	if s.Config.Steps != 105 || len(s.Config.Events) != 3 || s.Agents != 50000 {
		t.Errorf("got %d steps, %d events, %d agents; want 105, 3, 50000", s.Config.Steps, len(s.Config.Events), s.Agents)
	}
	roundTrip(t, s)
}

func TestWithoutAcceptance(t *testing.T) {
	s, err := Load("jd-alipay")
	if err != nil {
		t.Fatal(err)
	}
	s.Config.Events = append(s.Config.Events, sim.Event{Kind: sim.Promotion, Date: s.Config.Start, Until: s.Config.End(), Method: 0, Platform: -1, Shift: 0.1})
	b := s.WithoutAcceptance()
	if b.Config.Name != "jd-alipay-no-acceptance" {
		t.Errorf("name %q", b.Config.Name)
	}
	if len(b.Config.Events) != 1 || b.Config.Events[0].Kind != sim.Promotion {
		t.Errorf("events %+v, want only the promotion", b.Config.Events)
	}
	if len(s.Config.Events) != 3 {
		t.Errorf("the original lost events: %d left", len(s.Config.Events))
	}
	if b.Seed != s.Seed || b.Config.Agents() != s.Config.Agents() {
		t.Error("seed or agents differ")
	}
	out, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out, "baseline.yaml")
	if err != nil {
		t.Fatalf("the baseline does not parse back: %v", err)
	}
	if len(back.Config.Events) != 1 {
		t.Errorf("parsed back %d events, want 1", len(back.Config.Events))
	}
}

func TestWithoutEvent(t *testing.T) {
	s, err := Load("jd-alipay")
	if err != nil {
		t.Fatal(err)
	}
	b := s.WithoutEvent(1)
	if b.Config.Name != "jd-alipay-without-jd-alipay" {
		t.Errorf("name: got %q, want jd-alipay-without-jd-alipay", b.Config.Name)
	}
	if len(b.Config.Events) != 1 || b.Config.Events[0].Label != "Taobao accepts WeChat Pay" {
		t.Errorf("events: got %+v, want Taobao's only", b.Config.Events)
	}
	if len(s.Config.Events) != 2 || s.Config.Events[1].Label != "JD accepts Alipay" {
		t.Errorf("the original changed: %+v", s.Config.Events)
	}
	if err := b.SetAgents(1000); err != nil || s.Config.Agents() == 1000 {
		t.Errorf("SetAgents on the copy: %v, original has %d agents", err, s.Config.Agents())
	}
	out, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := Parse(out, "baseline.yaml"); err != nil || len(back.Config.Events) != 1 {
		t.Fatalf("the baseline does not parse back: %v", err)
	}
	// Two events on one pair: the date tells them apart.
	s.Config.Events = append(s.Config.Events, sim.Event{Kind: sim.StopAccepting, Date: day("2025-06-02"), Platform: 1, Method: 0, Label: "JD stops accepting Alipay"})
	if got := s.WithoutEvent(2).Config.Name; got != "jd-alipay-without-jd-alipay-2025-06-02" {
		t.Errorf("name: got %q", got)
	}
}
