package sim

import (
	"fmt"
	"math"
	"time"
)

// Engine selects how Run computes a scenario.
type Engine int

const (
	// AgentBased simulates every agent with its own random draws.
	AgentBased Engine = iota
	// MeanField computes the exact expected-value recursion over the
	// distribution of agent states: the limit of AgentBased as agents grow.
	MeanField
	// Counts moves the numbers of agents in each state by exact
	// multinomial draws: the law of AgentBased at a cost that does not
	// grow with the number of agents.
	Counts
)

// Stochastic reports whether the engine draws random numbers, so that
// replicates differ and their spread is sampling noise.
func (e Engine) Stochastic() bool { return e != MeanField }

// String returns the engine's name as the CLI spells it.
func (e Engine) String() string {
	switch e {
	case AgentBased:
		return "agents"
	case MeanField:
		return "meanfield"
	case Counts:
		return "counts"
	}
	return fmt.Sprintf("Engine(%d)", int(e))
}

// ParseEngine returns the engine named s ("agents", "meanfield" or
// "counts").
func ParseEngine(s string) (Engine, error) {
	switch s {
	case "agents":
		return AgentBased, nil
	case "meanfield":
		return MeanField, nil
	case "counts":
		return Counts, nil
	}
	return 0, fmt.Errorf("unknown engine %q (valid: agents, meanfield, counts)", s)
}

// Settings tune how Run works without changing what it models. A nil
// *Settings means the zero value of every field.
type Settings struct {
	// Engine is the engine; the zero value is AgentBased.
	Engine Engine
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// Results do not depend on it.
	Workers int
	// Run is the replicate index, mixed with the seed into every random
	// stream; 0 for a single run.
	Run int
	// Progress, if not nil, is called from Run's goroutine after each
	// step, warm-up steps included, with the number of steps done out of
	// Config.Warmup + Config.Steps. It must not block for long.
	Progress func(done int)
	// Cancel, if not nil, is polled between steps; when it returns true Run
	// stops and returns ErrCanceled.
	Cancel func() bool
}

// ErrCanceled is returned by Run when Settings.Cancel asked it to stop.
var ErrCanceled = fmt.Errorf("simulation canceled")

// Result holds what a run measured: one Tally per step.
type Result struct {
	// Config is the simulated scenario.
	Config *Config
	// Engine is the engine that produced the result.
	Engine Engine
	// Seed and Run identify the random streams.
	Seed uint64
	Run  int
	// Steps holds the tallies, one per step, in order.
	Steps []Tally
}

// Tally is what happened in one step, region by region, in people (each
// agent counts for its weight) and in the scenario's currency. Stocks are
// as at the end of the step; flows are totals over the step.
type Tally struct {
	// Regions holds one RegionTally per region, in Config order.
	Regions []RegionTally
}

// RegionTally is a region's part of a Tally. Per-method slices are
// indexed by method, per-platform slices by platform, and [p][m] tables by
// platform then method.
type RegionTally struct {
	// Population is the number of people.
	Population float64
	// Holders is the number of people holding each method.
	Holders []float64
	// Only is the number of people holding that method and no other.
	Only []float64
	// MultiHomers is the number of people holding two or more methods.
	MultiHomers float64
	// Transactions counts orders by platform and method: each shopping
	// step places the Poisson number of orders given at least one (see
	// docs/model.md), so that orders follow the shopping rate.
	Transactions [][]float64
	// Value sums the value of purchases by platform and method.
	Value [][]float64
	// Lost counts orders abandoned because the platform accepts none
	// of the shopper's methods (for want of an accepted method).
	Lost []float64
	// LostNoMethod counts orders abandoned by shoppers holding no
	// method at all.
	LostNoMethod []float64
	// Signups counts sign-ups at checkout by platform and method (these
	// purchases are also in Transactions).
	Signups [][]float64
	// ChannelTx and ChannelValue are the expected payments and their
	// value by channel and method; nil without channels.
	ChannelTx, ChannelValue [][]float64
	// ChannelNone counts, by channel, the payments at which none of the
	// payer's methods was accepted (made by other means, such as cash).
	ChannelNone []float64
}

func newRegionTally(nm, np, nc int) RegionTally {
	grid := func(n int) [][]float64 {
		if n == 0 {
			return nil
		}
		g := make([][]float64, n)
		for i := range g {
			g[i] = make([]float64, nm)
		}
		return g
	}
	t := RegionTally{
		Holders:      make([]float64, nm),
		Only:         make([]float64, nm),
		Transactions: grid(np),
		Value:        grid(np),
		Lost:         make([]float64, np),
		LostNoMethod: make([]float64, np),
		Signups:      grid(np),
		ChannelTx:    grid(nc),
		ChannelValue: grid(nc),
	}
	if nc > 0 {
		t.ChannelNone = make([]float64, nc)
	}
	return t
}

func (t *RegionTally) add(o *RegionTally) {
	t.Population += o.Population
	t.MultiHomers += o.MultiHomers
	for m := range t.Holders {
		t.Holders[m] += o.Holders[m]
		t.Only[m] += o.Only[m]
	}
	for p := range t.Lost {
		t.Lost[p] += o.Lost[p]
		t.LostNoMethod[p] += o.LostNoMethod[p]
		for m := range t.Holders {
			t.Transactions[p][m] += o.Transactions[p][m]
			t.Value[p][m] += o.Value[p][m]
			t.Signups[p][m] += o.Signups[p][m]
		}
	}
	for c := range t.ChannelNone {
		t.ChannelNone[c] += o.ChannelNone[c]
		for m := range t.Holders {
			t.ChannelTx[c][m] += o.ChannelTx[c][m]
			t.ChannelValue[c][m] += o.ChannelValue[c][m]
		}
	}
}

// Dates returns the first day of every step.
func (r *Result) Dates() []time.Time {
	d := make([]time.Time, len(r.Steps))
	for i := range d {
		d[i] = r.Config.Date(i)
	}
	return d
}

// Region returns the tally of region i at step n, or the sum over all
// regions when i is -1.
func (r *Result) Region(n, i int) RegionTally {
	if i >= 0 {
		return r.Steps[n].Regions[i]
	}
	sum := newRegionTally(len(r.Config.Methods), len(r.Config.Platforms), len(r.Config.Channels))
	for j := range r.Steps[n].Regions {
		sum.add(&r.Steps[n].Regions[j])
	}
	return sum
}

// Measure is one measured value: a metric of an entity. Shares are
// fractions in [0,1]; a share whose denominator is zero is NaN.
type Measure struct {
	// Metric names what is measured (see Metrics).
	Metric string
	// Entity is a method, a platform, "platform/method", "2+", a
	// channel or "channel/method".
	Entity string
	// Value is the measured value.
	Value float64
}

// MetricInfo documents a metric of Measures.
type MetricInfo struct {
	// Name is the metric as written in tables.
	Name string
	// Entity says what the entity column holds.
	Entity string
	// Unit is "share" (a fraction in [0,1]), "people", "transactions" or
	// "currency".
	Unit string
	// Doc says what the metric measures.
	Doc string
}

// Metrics lists, in table order, every metric that Measures returns.
var Metrics = []MetricInfo{
	{"adoption", "method", "share", "share of people holding the method (end of step)"},
	{"single_homing", "method", "share", "share of people holding this method and no other"},
	{"multihoming", "2+", "share", "share of people holding two or more methods"},
	{"tx_share", "method", "share", "share of all transactions paid with the method"},
	{"value_share", "method", "share", "share of all payment value paid with the method"},
	{"payment_share", "platform/method", "share", "share of the platform's transactions paid with the method"},
	{"payment_value_share", "platform/method", "share", "share of the platform's payment value paid with the method"},
	{"platform_tx_share", "platform", "share", "platform's share of all transactions"},
	{"gmv_share", "platform", "share", "platform's share of all purchase value (GMV)"},
	{"transactions", "platform/method", "transactions", "orders in the step"},
	{"gmv", "platform", "currency", "value of purchases on the platform in the step"},
	{"lost_sales", "platform", "transactions", "orders abandoned because the platform accepts none of the shopper's methods"},
	{"lost_sales_no_method", "platform", "transactions", "orders abandoned by shoppers holding no method at all"},
	{"lost_sale_rate", "platform", "share", "all lost orders as a share of the orders attempted on the platform"},
	{"signups", "platform/method", "people", "sign-ups for the method at the platform's checkout"},
	{"channel_payment_share", "channel/method", "share", "share of the channel's payments made with the method"},
	{"channel_transactions", "channel/method", "transactions", "payments in the channel with the method in the step"},
	{"channel_value", "channel/method", "currency", "value of the channel's payments with the method in the step"},
	{"channel_unserved", "channel", "transactions", "payments in the channel at which none of the payer's methods was accepted (made by other means)"},
}

func share(num, den float64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// MeasureCount returns the number of measures Measures returns for one
// region and step of c.
func MeasureCount(c *Config) int {
	nm, np, nc := len(c.Methods), len(c.Platforms), len(c.Channels)
	return 4*nm + 1 + 4*np*nm + 6*np + 3*nc*nm + nc
}

// Measures returns every metric of region i (or of all regions when i is
// -1) at step n, in the order of Metrics, then of methods and platforms
// in Config order.
func (r *Result) Measures(n, i int) []Measure {
	c := r.Config
	t := r.Region(n, i)
	var out []Measure
	add := func(metric, entity string, v float64) {
		out = append(out, Measure{metric, entity, v})
	}
	pm := func(p, m int) string { return c.Platforms[p].Name + "/" + c.Methods[m].Name }

	var txAll, valAll float64
	txM := make([]float64, len(c.Methods))
	valM := make([]float64, len(c.Methods))
	txP := make([]float64, len(c.Platforms))
	valP := make([]float64, len(c.Platforms))
	for p := range c.Platforms {
		for m := range c.Methods {
			txM[m] += t.Transactions[p][m]
			valM[m] += t.Value[p][m]
			txP[p] += t.Transactions[p][m]
			valP[p] += t.Value[p][m]
		}
		txAll += txP[p]
		valAll += valP[p]
	}
	// Transaction and value shares of methods are over every channel.
	for ch := range c.Channels {
		for m := range c.Methods {
			txM[m] += t.ChannelTx[ch][m]
			valM[m] += t.ChannelValue[ch][m]
			txAll += t.ChannelTx[ch][m]
			valAll += t.ChannelValue[ch][m]
		}
	}
	for m, mt := range c.Methods {
		add("adoption", mt.Name, share(t.Holders[m], t.Population))
	}
	for m, mt := range c.Methods {
		add("single_homing", mt.Name, share(t.Only[m], t.Population))
	}
	add("multihoming", "2+", share(t.MultiHomers, t.Population))
	for m, mt := range c.Methods {
		add("tx_share", mt.Name, share(txM[m], txAll))
	}
	for m, mt := range c.Methods {
		add("value_share", mt.Name, share(valM[m], valAll))
	}
	for p := range c.Platforms {
		for m := range c.Methods {
			add("payment_share", pm(p, m), share(t.Transactions[p][m], txP[p]))
		}
	}
	for p := range c.Platforms {
		for m := range c.Methods {
			add("payment_value_share", pm(p, m), share(t.Value[p][m], valP[p]))
		}
	}
	for p, pl := range c.Platforms {
		add("platform_tx_share", pl.Name, share(txP[p], txAll))
	}
	for p, pl := range c.Platforms {
		add("gmv_share", pl.Name, share(valP[p], valAll))
	}
	for p := range c.Platforms {
		for m := range c.Methods {
			add("transactions", pm(p, m), t.Transactions[p][m])
		}
	}
	for p, pl := range c.Platforms {
		add("gmv", pl.Name, valP[p])
	}
	for p, pl := range c.Platforms {
		add("lost_sales", pl.Name, t.Lost[p])
	}
	for p, pl := range c.Platforms {
		add("lost_sales_no_method", pl.Name, t.LostNoMethod[p])
	}
	for p, pl := range c.Platforms {
		lost := t.Lost[p] + t.LostNoMethod[p]
		add("lost_sale_rate", pl.Name, share(lost, txP[p]+lost))
	}
	for p := range c.Platforms {
		for m := range c.Methods {
			add("signups", pm(p, m), t.Signups[p][m])
		}
	}
	cm := func(ch, m int) string { return c.Channels[ch].Name + "/" + c.Methods[m].Name }
	chTx := make([]float64, len(c.Channels))
	for ch := range c.Channels {
		for m := range c.Methods {
			chTx[ch] += t.ChannelTx[ch][m]
		}
	}
	for ch := range c.Channels {
		for m := range c.Methods {
			add("channel_payment_share", cm(ch, m), share(t.ChannelTx[ch][m], chTx[ch]))
		}
	}
	for ch := range c.Channels {
		for m := range c.Methods {
			add("channel_transactions", cm(ch, m), t.ChannelTx[ch][m])
		}
	}
	for ch := range c.Channels {
		for m := range c.Methods {
			add("channel_value", cm(ch, m), t.ChannelValue[ch][m])
		}
	}
	for ch, chn := range c.Channels {
		add("channel_unserved", chn.Name, t.ChannelNone[ch])
	}
	return out
}
