package scenarios

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/interopsim/interopsim/sim"
)

// history is the built-in history scenario.
const history = "alipay-vs-wechat-2013"

// valueShares is the observed series the history is compared with, from
// this package's directory.
const valueShares = "data/history/value_shares.csv"

// TestHistoryScenario checks the built-in history: its horizon and
// structure, and, run in both engines with a few agents, that WeChat Pay
// is held by nobody and paid with nowhere before its launch, that
// Taobao/Tmall never take a WeChat Pay payment and JD never an Alipay
// one, and that the channels carry value.
func TestHistoryScenario(t *testing.T) {
	s, err := Load(history)
	if err != nil {
		t.Fatal(err)
	}
	c := &s.Config
	if got, want := c.Start, day("2013-07-01"); !got.Equal(want) {
		t.Errorf("start: got %v, want %v", got, want)
	}
	if c.Step != sim.Month || c.Steps != 84 || !c.End().Equal(day("2020-07-01")) {
		t.Errorf("horizon: got %d steps of %v to %v, want 84 months to 2020-07-01", c.Steps, c.Step, c.End())
	}
	ali, wx, tb, jd := methodIndex(t, c, "alipay"), methodIndex(t, c, "wechat_pay"), platformIndex(t, c, "taobao_tmall"), platformIndex(t, c, "jd")
	launch := c.Methods[wx].Launch
	if !launch.Equal(day("2013-08-01")) {
		t.Errorf("wechat_pay launch: got %v, want 2013-08-01 (events.csv: 2013-08)", launch)
	}
	var regions []string
	for _, r := range c.Regions {
		regions = append(regions, r.Name)
	}
	if got, want := fmt.Sprint(regions), "[tier1 tier2 lower_tier rural]"; got != want {
		t.Errorf("regions: got %s, want the flagship's %s", got, want)
	}
	var channels []string
	for _, ch := range c.Channels {
		channels = append(channels, ch.Name)
	}
	if got, want := fmt.Sprint(channels), "[offline_qr p2p funds]"; got != want {
		t.Errorf("channels: got %s, want %s", got, want)
	}

	if err := s.SetAgents(400); err != nil {
		t.Fatal(err)
	}
	for _, e := range []sim.Engine{sim.AgentBased, sim.MeanField} {
		t.Run(e.String(), func(t *testing.T) {
			res, err := sim.Run(c, s.Seed, &sim.Settings{Engine: e, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Steps) != c.Steps {
				t.Fatalf("got %d steps, want %d", len(res.Steps), c.Steps)
			}
			var channelValue float64
			for n, tally := range res.Steps {
				date := c.Date(n)
				for i, r := range tally.Regions {
					where := fmt.Sprintf("%s %s", date.Format("2006-01-02"), c.Regions[i].Name)
					if date.Before(launch) {
						paid := 0.0
						for p := range c.Platforms {
							paid += r.Value[p][wx]
						}
						for ch := range c.Channels {
							paid += r.ChannelValue[ch][wx]
						}
						if r.Holders[wx] != 0 || paid != 0 {
							t.Errorf("%s: before the launch %d people hold WeChat Pay and %g CNY are paid with it, want 0 and 0", where, int(r.Holders[wx]), paid)
						}
					}
					if r.Transactions[tb][wx] != 0 || r.Signups[tb][wx] != 0 {
						t.Errorf("%s: Taobao/Tmall took %g WeChat Pay payments (%g sign-ups), want 0", where, r.Transactions[tb][wx], r.Signups[tb][wx])
					}
					if r.Transactions[jd][ali] != 0 {
						t.Errorf("%s: JD took %g Alipay payments, want 0", where, r.Transactions[jd][ali])
					}
					for ch := range c.Channels {
						for m := range c.Methods {
							channelValue += r.ChannelValue[ch][m]
						}
					}
				}
			}
			if channelValue <= 0 {
				t.Errorf("the channels carried no value")
			}
			// WeChat Pay is held by someone by the end.
			last := res.Region(len(res.Steps)-1, -1)
			if !(last.Holders[wx] > 0) {
				t.Errorf("nobody holds WeChat Pay at the end")
			}
		})
	}
}

// TestValueShares checks the observed series of the history
// (data/history/value_shares.csv): its header, that every row parses,
// names region all, metric value_share and entity alipay or wechat_pay,
// holds a share in [0,1] with a positive weight and sd, appears once, and
// falls in a quarter inside the history's horizon.
func TestValueShares(t *testing.T) {
	f, err := os.Open(valueShares)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", valueShares, err)
	}
	if got, want := fmt.Sprint(rows[0]), "[period region metric entity value weight sd]"; got != want {
		t.Fatalf("header: got %s, want %s", got, want)
	}
	if len(rows) < 2 {
		t.Fatalf("no rows")
	}
	s, err := Load(history)
	if err != nil {
		t.Fatal(err)
	}
	start, end := s.Config.Start, s.Config.End()
	quarter := regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	seen := map[string]bool{}
	for i, r := range rows[1:] {
		where := fmt.Sprintf("%s:%d", valueShares, i+2)
		m := quarter.FindStringSubmatch(r[0])
		if m == nil {
			t.Errorf("%s: period %q, want YYYY-Qn", where, r[0])
			continue
		}
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		first := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		if first.Before(start) || first.AddDate(0, 3, 0).After(end) {
			t.Errorf("%s: quarter %s is not inside the horizon %s to %s", where, r[0], start.Format("2006-01-02"), end.Format("2006-01-02"))
		}
		if r[1] != "all" || r[2] != "value_share" || (r[3] != "alipay" && r[3] != "wechat_pay") {
			t.Errorf("%s: got %s %s %s, want all value_share alipay|wechat_pay", where, r[1], r[2], r[3])
		}
		key := r[0] + " " + r[3]
		if seen[key] {
			t.Errorf("%s: %s twice", where, key)
		}
		seen[key] = true
		v, err1 := strconv.ParseFloat(r[4], 64)
		w, err2 := strconv.ParseFloat(r[5], 64)
		sd, err3 := strconv.ParseFloat(r[6], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Errorf("%s: value, weight, sd %q %q %q: not numbers", where, r[4], r[5], r[6])
			continue
		}
		if v < 0 || v > 1 || !(w > 0) || !(sd > 0) {
			t.Errorf("%s: got value %g, weight %g, sd %g; want a share in [0,1] and positive weight and sd", where, v, w, sd)
		}
	}
}

func methodIndex(t *testing.T, c *sim.Config, name string) int {
	t.Helper()
	for i, m := range c.Methods {
		if m.Name == name {
			return i
		}
	}
	t.Fatalf("no method %s", name)
	return -1
}

func platformIndex(t *testing.T, c *sim.Config, name string) int {
	t.Helper()
	for i, p := range c.Platforms {
		if p.Name == name {
			return i
		}
	}
	t.Fatalf("no platform %s", name)
	return -1
}

// BenchmarkHistoryMeanField times one mean-field run of the history, the
// unit of work of a fit.
func BenchmarkHistoryMeanField(b *testing.B) {
	s, err := Load(history)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := sim.Run(&s.Config, s.Seed, &sim.Settings{Engine: sim.MeanField, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// The history's calibrate section names the shipped observed shares and
// the four free parameters of docs/validation.md; a built-in reads its
// data from the files embedded with it, whatever the working directory.
func TestHistoryCalibration(t *testing.T) {
	sc, err := Load("alipay-vs-wechat-2013")
	if err != nil {
		t.Fatal(err)
	}
	cal := sc.Calibration
	if cal == nil {
		t.Fatal("no calibrate section")
	}
	var free []string
	for _, f := range cal.Free {
		free = append(free, f.Name)
	}
	want := []string{"methods.wechat_pay.q", "methods.wechat_pay.appeal", "methods.alipay.q", "behaviour.gamma"}
	if !slices.Equal(free, want) {
		t.Errorf("free parameters %q, want %q", free, want)
	}
	got, err := sc.CalibrationData()
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := os.ReadFile("data/history/value_shares.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, onDisk) {
		t.Error("the built-in's calibration data differ from scenarios/data/history/value_shares.csv")
	}
	t.Chdir(t.TempDir())
	if _, err := sc.CalibrationData(); err != nil {
		t.Errorf("from another directory: %v", err)
	}
}

// BenchmarkFlagshipMeanField times the engine of one mean-field run of
// the flagship (its warm-up and 260 weekly steps), on one worker and on
// two (the groups of a step move in parallel).
//
//	go test ./scenarios -run '^$' -bench '^BenchmarkFlagshipMeanField$'
func BenchmarkFlagshipMeanField(b *testing.B) {
	s, err := Load(Default)
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				if _, err := sim.Run(&s.Config, s.Seed, &sim.Settings{Engine: sim.MeanField, Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFlagshipCounts times the engine of one count-engine run of
// the flagship with one agent per person (914.5 million agents), on two
// workers, and reports agent-steps per second.
//
//	go test ./scenarios -run '^$' -bench '^BenchmarkFlagshipCounts$'
func BenchmarkFlagshipCounts(b *testing.B) {
	s, err := Load(Default)
	if err != nil {
		b.Fatal(err)
	}
	n, err := s.PopulationAgents()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SetAgents(n); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := sim.Run(&s.Config, s.Seed, &sim.Settings{Engine: sim.Counts, Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(s.Config.Steps+s.Config.Warmup)*float64(b.N)/b.Elapsed().Seconds(), "agent-steps/s")
}
