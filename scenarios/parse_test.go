package scenarios

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// fieldErrors returns the *FieldErrors joined in err, failing the test if
// any joined error is of another type.
func fieldErrors(t *testing.T, err error) []*FieldError {
	t.Helper()
	var list []error
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		list = u.Unwrap()
	} else {
		list = []error{err}
	}
	var out []*FieldError
	for _, e := range list {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("error %q (%T) is not a *FieldError", e, e)
		}
		out = append(out, fe)
	}
	return out
}

// expectation is one line of a .err file: "LINE:COL FIELD: PHRASE", with
// FIELD "-" for an error about the file as a whole. A PHRASE ending in $
// ends the message.
type expectation struct {
	line, col     int
	field, phrase string
}

// matches says whether msg holds the phrase of e (ends with it, for a
// phrase ending in $).
func (e expectation) matches(msg string) bool {
	if p, ok := strings.CutSuffix(e.phrase, "$"); ok {
		return strings.HasSuffix(msg, p)
	}
	return strings.Contains(msg, e.phrase)
}

func readExpectations(t *testing.T, path string) []expectation {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open expectations: %v", err)
	}
	defer f.Close()
	var out []expectation
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		pos, rest, ok1 := strings.Cut(text, " ")
		field, phrase, ok2 := strings.Cut(rest, ": ")
		ls, cs, ok3 := strings.Cut(pos, ":")
		line, err1 := strconv.Atoi(ls)
		col, err2 := strconv.Atoi(cs)
		if !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil {
			t.Fatalf("%s: malformed expectation %q", path, text)
		}
		if field == "-" {
			field = ""
		}
		out = append(out, expectation{line, col, field, phrase})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInvalid parses every file of testdata/invalid and checks that it
// reports exactly the mistakes listed in the sibling .err file, in order,
// each with its line, column, field and a phrase of its message.
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("got %d invalid scenarios, want at least 20", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := readExpectations(t, strings.TrimSuffix(path, ".yaml")+".err")
			s, err := Parse(data, name)
			if err == nil {
				t.Fatalf("Parse succeeded, want %d errors", len(want))
			}
			if s != nil {
				t.Errorf("Parse returned a scenario along with errors")
			}
			got := fieldErrors(t, err)
			if len(got) != len(want) {
				t.Errorf("got %d errors, want %d:\n%v", len(got), len(want), err)
			}
			for i := 0; i < len(got) && i < len(want); i++ {
				g, w := got[i], want[i]
				if g.File != name || g.Line != w.line || g.Column != w.col || g.Field != w.field || !w.matches(g.Msg) {
					t.Errorf("error %d:\ngot  %s\nwant %s:%d:%d: %s: ...%s...", i, g, name, w.line, w.col, w.field, w.phrase)
				}
				if g.Msg != strings.ToLower(g.Msg[:1])+g.Msg[1:] || strings.HasSuffix(g.Msg, ".") {
					t.Errorf("error %d %q: messages start in lower case and end without a period", i, g.Msg)
				}
			}
		})
	}
}

func TestFieldErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  FieldError
		want string
	}{
		{"full", FieldError{"flagship.yaml", 14, 5, "regions[2].population", "must be positive, got 0"}, "flagship.yaml:14:5: regions[2].population: must be positive, got 0"},
		{"no field", FieldError{"a.yaml", 1, 1, "", "empty file"}, "a.yaml:1:1: empty file"},
		{"no column", FieldError{"a.yaml", 3, 0, "", "invalid YAML: x"}, "a.yaml:3: invalid YAML: x"},
		{"no place", FieldError{"a.yaml", 0, 0, "", "invalid YAML: x"}, "a.yaml: invalid YAML: x"},
		{"no file", FieldError{"", 2, 7, "name", "bad"}, "2:7: name: bad"},
		{"nothing", FieldError{Msg: "bad"}, "bad"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func day(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDefaults checks every default of a minimal scenario.
func TestDefaults(t *testing.T) {
	s, err := Parse(mustRead(t, "testdata/valid/minimal.yaml"), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := sim.Config{
		Name:  "minimal",
		Start: day("2024-01-01"),
		Step:  sim.Week,
		Steps: 52,
		Regions: []sim.Region{{
			Name: "north", Label: "north", Population: 1e6,
			Segments: []sim.Segment{{Name: "all", Share: 1, Agents: DefaultAgents, ShoppingRate: 50, Basket: 100, Holdings: []float64{0, 0}}},
		}},
		Methods: []sim.Method{
			{Name: "alipay", Label: "alipay", Color: "#0072B2"},
			{Name: "wechat_pay", Label: "wechat_pay", Color: "#D55E00"},
		},
		Platforms: []sim.Platform{{
			Name: "taobao", Label: "taobao", Color: "#009E73", Loyalty: 0.5,
			RegionAppeal: []float64{0}, MethodAppeal: []float64{0, 0}, Accepts: []bool{true, false},
		}},
		Behaviour: sim.Behaviour{Beta: 0.5, Kappa: 3, Psi: 0.2, Gamma: 1, SwitchCost: 1, Delta: 0.5},
	}
	if !reflect.DeepEqual(s.Config, want) {
		t.Errorf("Config:\ngot  %+v\nwant %+v", s.Config, want)
	}
	if s.Seed != 1 || s.Agents != DefaultAgents || s.Currency != "CNY" || s.Description != "" || s.File != "minimal.yaml" {
		t.Errorf("got seed %d, agents %d, currency %q, description %q, file %q; want 1, %d, CNY, empty, minimal.yaml",
			s.Seed, s.Agents, s.Currency, s.Description, s.File, DefaultAgents)
	}
	if !bytes.Equal(s.Source, mustRead(t, "testdata/valid/minimal.yaml")) {
		t.Errorf("Source is not the bytes read")
	}
}

// TestSegmentsScenario checks the resolution of a scenario that uses
// segments, month steps, a duration horizon, promotions and set events.
// The wallet promotion lasts 1m from 2024-05-01, a calendar month.
func TestSegmentsScenario(t *testing.T) {
	s, err := Parse(mustRead(t, "testdata/valid/segments.yaml"), "segments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := sim.Config{
		Name:   "segments-demo",
		Start:  day("2024-01-31"),
		Step:   sim.Month,
		Steps:  24,
		Warmup: 3, // warmup: 3m
		Regions: []sim.Region{
			{Name: "north", Label: "north", Population: 2.5e6, Segments: []sim.Segment{
				{Name: "young", Share: 0.3, Agents: 250, ShoppingRate: 60, Basket: 55.5, Holdings: []float64{0.9, 0.5, 0}},
				{Name: "middle", Share: 0.45, Agents: 375, ShoppingRate: 40, Basket: 80, Holdings: []float64{0.6, 0.5, 0}},
				{Name: "old", Share: 0.25, Agents: 209, ShoppingRate: 40, Basket: 55.5, Holdings: []float64{0.2, 0.5, 0.7}},
			}},
			{Name: "south", Label: "South", Population: 5e5, Segments: []sim.Segment{
				{Name: "all", Share: 1, Agents: 167, ShoppingRate: 20, Basket: 30, Holdings: []float64{0, 0.3, 0.5}},
			}},
		},
		Methods: []sim.Method{
			{Name: "wallet", Label: "Wallet", Color: "#0072B2", Appeal: 0.25, P: 0.02, Q: 0.4, Churn: 0.01},
			{Name: "card", Label: "card", Color: "#D55E00"},
			{Name: "cash_on_delivery", Label: "Cash on delivery", Color: "#ABCDEF"},
		},
		Platforms: []sim.Platform{
			{Name: "shop", Label: "shop", Color: "#CC79A7", Loyalty: 0.75, RegionAppeal: []float64{0, -0.2},
				MethodAppeal: []float64{0.1, 0, 0}, Accepts: []bool{true, true, false}},
			{Name: "market", Label: "The Market", Color: "#E69F00", Appeal: -0.5, Loyalty: 1.25, RegionAppeal: []float64{0, 0},
				MethodAppeal: []float64{0, 0, 0}, Accepts: []bool{false, false, false}},
		},
		Behaviour: sim.Behaviour{Beta: 0.5, Kappa: 2, Psi: 0.2, Gamma: 1, SwitchCost: 1, Delta: 0.5},
		Events: []sim.Event{
			{Kind: sim.Accept, Date: day("2024-03-01"), Label: "The Market accepts Cash on delivery", Platform: 1, Method: 2, RolloutDays: 14},
			{Kind: sim.Promotion, Date: day("2024-05-01"), Label: "Wallet promotion", Platform: -1, Method: 0, Until: day("2024-06-01"), Shift: 0.8},
			{Kind: sim.Promotion, Date: day("2024-05-01"), Label: "Card surcharge at the shop", Platform: 0, Method: 1, Until: day("2024-07-01"), Shift: -0.3},
			{Kind: sim.SetParam, Date: day("2024-09-01"), Label: "kappa = 1.5", Platform: -1, Method: -1, Param: sim.Param{Kind: sim.BehaviourKappa}, Value: 1.5},
			{Kind: sim.SetParam, Date: day("2024-09-01"), Label: "card q = 0.2", Platform: -1, Method: -1, Param: sim.Param{Kind: sim.MethodQ, Index: 1}, Value: 0.2},
			{Kind: sim.SetParam, Date: day("2024-10-01"), Label: "The Market loyalty = -0.5", Platform: -1, Method: -1, Param: sim.Param{Kind: sim.PlatformLoyalty, Index: 1}, Value: -0.5},
			{Kind: sim.StopAccepting, Date: day("2024-11-01"), Label: "shop stops accepting card", Platform: 0, Method: 1},
			{Kind: sim.Accept, Date: day("2025-01-01"), Label: "shop accepts card", Platform: 0, Method: 1, RolloutDays: 365},
			{Kind: sim.SetParam, Date: day("2025-06-01"), Label: "South shopping rate = 25", Platform: -1, Method: -1, Param: sim.Param{Kind: sim.RegionShoppingRate, Index: 1}, Value: 25},
		},
	}
	if !reflect.DeepEqual(s.Config.Regions, want.Regions) {
		t.Errorf("Regions:\ngot  %+v\nwant %+v", s.Config.Regions, want.Regions)
	}
	if !reflect.DeepEqual(s.Config.Events, want.Events) {
		for i := range s.Config.Events {
			t.Logf("event %d: %+v", i, s.Config.Events[i])
		}
		t.Errorf("Events differ")
	}
	if !reflect.DeepEqual(s.Config, want) {
		t.Errorf("Config:\ngot  %+v\nwant %+v", s.Config, want)
	}
	if s.Seed != 42 || s.Agents != 1001 || s.Currency != "EUR" || s.Description != "Two regions, one split into age segments.\nUsed by the tests.\n" {
		t.Errorf("got seed %d, agents %d, currency %q, description %q", s.Seed, s.Agents, s.Currency, s.Description)
	}
	if err := s.Config.Validate(); err != nil {
		t.Errorf("sim rejects the Config: %v", err)
	}
}

// horizonFile is a minimal scenario with the given horizon lines.
func horizonFile(horizon string) []byte {
	return []byte(horizon + `
name: h
methods: [{name: m}]
platforms: [{name: p, accepts: [m]}]
regions: [{name: r, population: 10, shopping_rate: 1, basket: 1}]
agents: 1
`)
}

func TestHorizon(t *testing.T) {
	tests := []struct {
		name    string
		horizon string
		steps   int
		end     string // Config.End()
	}{
		{"flagship weeks", "start: 2023-01-02\nend: 2027-12-27", 260, "2027-12-27"},
		{"end inside a week", "start: 2023-01-02\nend: 2027-12-28", 261, "2028-01-03"},
		{"5y is calendar years", "start: 2023-01-02\nduration: 5y", 261, "2028-01-03"},
		{"26 weeks", "start: 2024-01-01\nduration: 26w", 26, "2024-07-01"},
		{"90 days daily", "start: 2024-01-01\nstep: day\nduration: 90d", 90, "2024-03-31"},
		{"18 months monthly", "start: 2024-01-01\nstep: month\nduration: 18m", 18, "2025-07-01"},
		{"month end", "start: 2024-01-31\nstep: month\nend: 2024-03-01", 1, "2024-03-02"},
		{"month end 2", "start: 2024-01-31\nstep: month\nend: 2024-03-03", 2, "2024-03-31"},
		{"one day", "start: 2024-01-01\nstep: day\nend: 2024-01-02", 1, "2024-01-02"},
		{"longest daily", "start: 2000-01-01\nstep: day\nduration: 100000d", 100000, "2273-10-16"},
		// A calendar month from the 31st ends on the next month's last day.
		{"1m from January 31", "start: 2024-01-31\nstep: day\nduration: 1m", 29, "2024-02-29"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(horizonFile(tc.horizon), "h.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if s.Config.Steps != tc.steps || s.Config.End().Format(dateLayout) != tc.end {
				t.Errorf("got %d steps ending %s, want %d ending %s", s.Config.Steps, s.Config.End().Format(dateLayout), tc.steps, tc.end)
			}
		})
	}
}

// TestEventDurations checks that months in rollout and a promotion's
// duration are calendar months, as in the horizon's duration and in
// compare's --at (calendar.Duration), not 30 days.
func TestEventDurations(t *testing.T) {
	tests := []struct {
		name, event string
		rollout     int
		until       string
	}{
		{"rollout 1m from January 31", "{date: 2024-01-31, type: accept, platform: p, method: m, rollout: 1m}", 29, ""},
		{"rollout 1m from March 1", "{date: 2024-03-01, type: accept, platform: p, method: m, rollout: 1m}", 31, ""},
		{"rollout 1y over a leap day", "{date: 2024-01-01, type: accept, platform: p, method: m, rollout: 1y}", 366, ""},
		{"rollout 2w", "{date: 2024-01-31, type: accept, platform: p, method: m, rollout: 2w}", 14, ""},
		{"promotion 1m from January 31", "{date: 2024-01-31, type: promotion, method: m, shift: 1, duration: 1m}", 0, "2024-02-29"},
		{"promotion 3m", "{date: 2024-05-01, type: promotion, method: m, shift: 1, duration: 3m}", 0, "2024-08-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := `name: h
start: 2024-01-01
end: 2026-01-01
methods: [{name: m}]
platforms: [{name: p, accepts: []}]
regions: [{name: r, population: 10, shopping_rate: 1, basket: 1}]
agents: 1
events: [` + tc.event + "]\n"
			s, err := Parse([]byte(src), "e.yaml")
			if err != nil {
				t.Fatal(err)
			}
			e := s.Config.Events[0]
			if e.RolloutDays != tc.rollout {
				t.Errorf("rollout: got %d days, want %d", e.RolloutDays, tc.rollout)
			}
			if tc.until != "" && e.Until.Format(dateLayout) != tc.until {
				t.Errorf("until: got %s, want %s", e.Until.Format(dateLayout), tc.until)
			}
		})
	}
}

func TestNumberForms(t *testing.T) {
	tests := []struct {
		name, value string
		want        float64
		ok          bool
	}{
		{"integer", "80000000", 8e7, true},
		{"exponent", "8.0e7", 8e7, true},
		{"exponent no dot", "8e7", 8e7, true},
		{"underscores", "1_000", 1000, true},
		{"quoted", `"80000000"`, 0, false},
		{"nan", ".nan", 0, false},
		{"inf", ".inf", 0, false},
		{"bool", "true", 0, false},
		{"negative", "-1", 0, false},
		{"zero", "0", 0, false},
		{"hex", "0x10", 16, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: n\nstart: 2024-01-01\nduration: 1w\nagents: 1\nmethods: [{name: m}]\nplatforms: [{name: p, accepts: []}]\n" +
				"regions:\n  - name: r\n    shopping_rate: 1\n    basket: 1\n    population: " + tc.value + "\n"
			s, err := Parse([]byte(src), "n.yaml")
			if tc.ok != (err == nil) {
				t.Fatalf("got error %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if fe := fieldErrors(t, err); len(fe) != 1 || fe[0].Field != "regions[0].population" || fe[0].Line != 11 || fe[0].Column != 17 {
					t.Errorf("got %v, want one error at 11:17 on regions[0].population", err)
				}
				return
			}
			if got := s.Config.Regions[0].Population; got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseNeverPanicsOnOddInput(t *testing.T) {
	inputs := []string{
		"", "\x00", "---", "--- ~", "[]", "1", "name", "{", "name: [", "? [a]\n: b",
		"name: n\nmethods: {a: 1}", "name: !!binary aGVsbG8=", "*x", "&a [*a]",
		"regions:\n  - segments:\n      - share: .nan\n", "events: [{type: set, param: methods..q}]",
		"events: [{type: set, param: regions}]", "name: n\nstart: 2024-01-01\nduration: 999999999999999999999y",
		strings.Repeat("[", 5000), "a: &a\n  b: *a\n",
	}
	for i, in := range inputs {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			s, err := Parse([]byte(in), "odd.yaml")
			if err == nil || s != nil {
				t.Fatalf("Parse(%q) = %v, %v; want an error", in, s, err)
			}
			fieldErrors(t, err)
		})
	}
}

func TestErrorsAs(t *testing.T) {
	_, err := Parse([]byte("name: x\nbogus: 1\n"), "x.yaml")
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As found no *FieldError in %v", err)
	}
	if got := fmt.Sprint(fe); !strings.HasPrefix(got, "x.yaml:") {
		t.Errorf("got %q, want it to start with the file name", got)
	}
}

// TestHistoryFeatures checks the resolution of the keys a history needs
// (testdata/valid/history.yaml): a method's launch, campaigns and
// region-specific events, population growth, channels.
func TestHistoryFeatures(t *testing.T) {
	s, err := Parse(mustRead(t, "testdata/valid/history.yaml"), "history.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := &s.Config
	if got := c.Methods[1].Launch; !got.Equal(day("2013-08-05")) {
		t.Errorf("wechat_pay launch: got %v, want 2013-08-05", got)
	}
	if got := c.Methods[0].Launch; !got.IsZero() {
		t.Errorf("alipay launch: got %v, want none", got)
	}
	wantGrowth := []sim.Census{{Date: day("2014-06-30"), Population: 1.8e8}, {Date: day("2016-06-30"), Population: 2.4e8}}
	if !reflect.DeepEqual(c.Regions[1].Growth, wantGrowth) || c.Regions[0].Growth != nil {
		t.Errorf("growth: got %+v and %+v, want none and %+v", c.Regions[0].Growth, c.Regions[1].Growth, wantGrowth)
	}
	// Agents are allocated at the peak: 1e8 in tier-1 against about
	// 2.34e8 in the rural region on 2015-12-21, the last step.
	peak := c.PeakPopulation(1)
	if want := int(math.Round(2000 * peak / (peak + 1e8))); c.Regions[1].Segments[0].Agents != want {
		t.Errorf("rural agents: got %d, want %d (peak %.4g)", c.Regions[1].Segments[0].Agents, want, peak)
	}
	wantChannels := []sim.Channel{
		{Name: "offline_qr", Label: "Offline QR merchants", Color: "#E69F00", Rate: 40, Value: 35, Accepts: []float64{0.05, 0}, MethodAppeal: []float64{0, 0.2}},
		{Name: "p2p", Label: "p2p", Color: "#56B4E9", Rate: 20, Value: 250, Peer: true, Accepts: []float64{0, 0}, MethodAppeal: []float64{0, 0}},
	}
	if !reflect.DeepEqual(c.Channels, wantChannels) {
		t.Errorf("channels:\ngot  %+v\nwant %+v", c.Channels, wantChannels)
	}
	wantEvents := []sim.Event{
		{Kind: sim.Accept, Date: day("2013-08-05"), Label: "jd accepts wechat_pay", Platform: 1, Method: 1},
		{Kind: sim.ChannelAcceptance, Date: day("2014-01-06"), Label: "Offline QR merchants: wechat_pay accepted at 0.6", Platform: -1, Method: 1, Channel: 0, Share: 0.6, RolloutDays: 730},
		{Kind: sim.Campaign, Date: day("2014-01-27"), Label: "wechat_pay campaign in tier-1", Platform: -1, Method: 1, Until: day("2014-02-17"), Q: 2.5, Regions: []int{0}},
		{Kind: sim.SetParam, Date: day("2015-01-05"), Label: "p2p rate = 60 in tier-1", Platform: -1, Method: -1, Param: sim.Param{Kind: sim.ChannelRate, Index: 1}, Value: 60, Regions: []int{0}},
		{Kind: sim.Campaign, Date: day("2015-02-16"), Label: "Spring Festival red packets 2015", Platform: -1, Method: 1, Until: day("2015-03-09"), P: 0.2, Q: 1.5},
		{Kind: sim.Promotion, Date: day("2015-06-01"), Label: "alipay promotion in tier-1, rural", Platform: -1, Method: 0, Until: day("2015-06-29"), Shift: 0.3, Regions: []int{0, 1}},
		{Kind: sim.SetParam, Date: day("2015-06-01"), Label: "alipay churn = 0.1 in rural", Platform: -1, Method: -1, Param: sim.Param{Kind: sim.MethodChurn, Index: 0}, Value: 0.1, Regions: []int{1}},
	}
	if !reflect.DeepEqual(c.Events, wantEvents) {
		for i := range c.Events {
			t.Logf("event %d: %+v", i, c.Events[i])
		}
		t.Errorf("Events differ")
	}
	if err := c.Validate(); err != nil {
		t.Errorf("sim rejects the Config: %v", err)
	}
}

// TestHistoryRuns runs testdata/valid/history.yaml on both engines: no one
// holds WeChat Pay before its launch, the rural region grows to its
// population on 2014-06-30, and the channels' payments are in value_share.
func TestHistoryRuns(t *testing.T) {
	s, err := Parse(mustRead(t, "testdata/valid/history.yaml"), "history.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := &s.Config
	for _, e := range []sim.Engine{sim.AgentBased, sim.MeanField} {
		r, err := sim.Run(c, s.Seed, &sim.Settings{Engine: e})
		if err != nil {
			t.Fatal(err)
		}
		for n := range c.Steps {
			tl := r.Region(n, -1)
			if c.Date(n).Before(c.Methods[1].Launch) && tl.Holders[1] != 0 {
				t.Errorf("%v step %d: %v people hold wechat_pay before its launch", e, n, tl.Holders[1])
			}
			if c.Date(n).Equal(day("2014-06-30")) {
				if got := r.Steps[n].Regions[1].Population; math.Abs(got-1.8e8) > 1e6 {
					t.Errorf("%v: rural population on 2014-06-30 %.4g, want 1.8e8", e, got)
				}
			}
		}
		last := r.Region(c.Steps-1, -1)
		var ecom, all float64
		for m := range c.Methods {
			for p := range c.Platforms {
				ecom += last.Value[p][m]
			}
			for ch := range c.Channels {
				all += last.ChannelValue[ch][m]
			}
		}
		if !(all > ecom) {
			t.Errorf("%v: channel value %.4g, e-commerce value %.4g; the test scenario's channels carry more", e, all, ecom)
		}
	}
}

// An event's mark: false is read as Unmarked, kept by Marshal, and
// anything but a boolean is a located error.
func TestEventMark(t *testing.T) {
	src := string(mustRead(t, "testdata/valid/history.yaml"))
	const label = "    label: Spring Festival red packets 2015\n"
	if !strings.Contains(src, label) {
		t.Fatal("history.yaml lacks the 2015 campaign's label")
	}
	for _, tc := range []struct {
		mark     string
		unmarked bool
		err      string
	}{
		{"", false, ""},
		{"    mark: true\n", false, ""},
		{"    mark: false\n", true, ""},
		{"    mark: maybe\n", false, "mark: "},
	} {
		s, err := Parse([]byte(strings.Replace(src, label, label+tc.mark, 1)), "history.yaml")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "history.yaml:62:") {
				t.Errorf("%q: got %v, want a located error at line 62 on %q", tc.mark, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.mark, err)
		}
		var got []bool
		for _, e := range s.Config.Events {
			if e.Label == "Spring Festival red packets 2015" || e.Unmarked {
				got = append(got, e.Unmarked)
			}
		}
		if len(got) != 1 || got[0] != tc.unmarked {
			t.Errorf("%q: got Unmarked %v for the campaign (and none elsewhere), want %v", tc.mark, got, tc.unmarked)
		}
		b, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := Parse(b, "resolved.yaml"); err != nil {
			t.Errorf("%q: the resolved scenario does not parse: %v", tc.mark, err)
		} else if !reflect.DeepEqual(again.Config.Events, s.Config.Events) {
			t.Errorf("%q: events changed in a round trip through Marshal", tc.mark)
		}
	}
}
