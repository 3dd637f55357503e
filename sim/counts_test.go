package sim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestStirlingTail checks the remainder of Stirling's approximation
// against math.Lgamma, to 1e-12, over the table and the series.
func TestStirlingTail(t *testing.T) {
	for _, k := range []float64{0, 1, 2, 5, 9, 10, 11, 20, 100, 1e4, 1e6, 1e9} {
		lg, _ := math.Lgamma(k + 1)
		want := lg - ((k+0.5)*math.Log(k+1) - (k + 1) + 0.5*math.Log(2*math.Pi))
		if got := stirlingTail(k); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(lg)) {
			t.Errorf("stirlingTail(%v) = %.17g, want %.17g", k, got, want)
		}
	}
}

// TestBinomial checks the sampler's law for each of its paths (direct
// inversion, BTRS, the symmetry for p > 1/2, the edges): a chi-square
// test of 200,000 draws against gonum's probability mass function over
// cells of expectation at least 20 (tails pooled), at the 1e-4 level,
// and the mean within 5 standard errors.
func TestBinomial(t *testing.T) {
	for _, tc := range []struct {
		n int64
		p float64
	}{
		{1, 0.3}, {7, 0.5}, {40, 0.1}, {200, 0.02}, {1000, 0.3}, {60, 0.9}, {50, 0.2}, // inversion and BTRS around n p = 10
		{123456, 0.37}, {1_300_000_000, 0.02}, {1_300_000_000, 3e-9}, {1_300_000_000, 0.5},
	} {
		r := rng{uint64(tc.n)*7919 + uint64(tc.p*1e9)}
		const draws = 200_000
		freq := map[int64]int{}
		var sum float64
		for range draws {
			k := r.binomial(tc.n, tc.p)
			if k < 0 || k > tc.n {
				t.Fatalf("Binomial(%d, %v) drew %d", tc.n, tc.p, k)
			}
			freq[k]++
			sum += float64(k)
		}
		d := distuv.Binomial{N: float64(tc.n), P: tc.p}
		mean, sd := d.Mean(), d.StdDev()
		if z := math.Abs(sum/draws-mean) / (sd / math.Sqrt(draws)); z > 5 {
			t.Errorf("Binomial(%d, %v): mean %v, want %v (%.1f standard errors)", tc.n, tc.p, sum/draws, mean, z)
		}
		// Cells: consecutive values from the lowest, closed when their
		// expectation reaches 20; the last cell takes the rest.
		lo := math.Max(0, math.Floor(mean-8*sd))
		hi := math.Min(float64(tc.n), math.Ceil(mean+8*sd))
		var chi2, cellP, cellO float64
		cells := 0
		below := d.CDF(lo - 1)
		cellP, cellO = below, 0
		for k, f := range freq {
			if float64(k) < lo {
				cellO += float64(f)
			}
		}
		for k := lo; k <= hi; k++ {
			cellP += d.Prob(k)
			cellO += float64(freq[int64(k)])
			if cellP*draws >= 20 {
				e := cellP * draws
				chi2 += (cellO - e) * (cellO - e) / e
				cells++
				cellP, cellO = 0, 0
			}
		}
		for k, f := range freq {
			if float64(k) > hi {
				cellO += float64(f)
			}
		}
		cellP += 1 - d.CDF(hi)
		if e := cellP * draws; e > 0 {
			chi2 += (cellO - e) * (cellO - e) / e
			cells++
		}
		if cells < 2 {
			continue
		}
		pv := distuv.ChiSquared{K: float64(cells - 1)}.Survival(chi2)
		if pv < 1e-4 {
			t.Errorf("Binomial(%d, %v): chi-square %.1f on %d cells, p = %.2g", tc.n, tc.p, chi2, cells, pv)
		}
	}
}

// TestMultinomial checks that the counts of a multinomial draw sum to
// the trials and that each outcome's mean over 20,000 draws is within 5
// standard errors of n p.
func TestMultinomial(t *testing.T) {
	probs := []float64{0.05, 0.6, 0, 0.3, 0.05 - 1e-12, 1e-12}
	const n, draws = 1000, 20000
	r := rng{3}
	out := make([]int64, len(probs))
	sums := make([]float64, len(probs))
	for range draws {
		r.multinomial(n, probs, out)
		var tot int64
		for i, x := range out {
			tot += x
			sums[i] += float64(x)
		}
		if tot != n {
			t.Fatalf("counts %v sum to %d, want %d", out, tot, n)
		}
		if out[2] != 0 {
			t.Fatalf("an outcome of probability 0 drew %d", out[2])
		}
	}
	for i, p := range probs {
		se := math.Sqrt(n*p*(1-p)/draws) + 1e-9
		if z := math.Abs(sums[i]/draws-n*p) / se; z > 5 && sums[i] > 0 {
			t.Errorf("outcome %d: mean %v, want %v (%.1f standard errors)", i, sums[i]/draws, n*p, z)
		}
	}
}

// TestCountsConvergeToMeanField is TestAgentsConvergeToMeanField for the
// count engine: at 400,000 agents every share lies within 5 standard
// errors of the mean field at every step.
func TestCountsConvergeToMeanField(t *testing.T) {
	worst := engineAgreesWithMeanField(t, testConfig(400000), 42, 5, Counts)
	t.Logf("largest deviation: %.2f standard errors", worst)
	worst = engineAgreesWithMeanField(t, incumbencyConfig(400000), 42, 5, Counts)
	t.Logf("with the incumbency mechanisms, largest deviation: %.2f standard errors", worst)
}

// TestCountsAtPopulation runs one agent per person of the test world
// and of the incumbency world, 1.3e9 agents each: every national share
// (holders of each method, each platform's payment shares and each
// platform's share of transactions) is within 1e-4 of the mean field's
// at every step. Over 30 replicates the differences show no bias (the
// largest mean difference is 2.9 standard errors of 780 compared) and a
// standard deviation of at most 3.8e-5 (JD's payment shares, JD having
// the fewest buyers), so 1e-4 is about 2.6 of them: it holds for the
// fixed seed and for most others, not for every seed.
func TestCountsAtPopulation(t *testing.T) {
	for _, c := range []*Config{testConfig(1_300_000_000), incumbencyConfig(1_300_000_000)} {
		ct := mustRun(t, c, 8, &Settings{Engine: Counts})
		mf := mustRun(t, c, 5, &Settings{Engine: MeanField})
		worst := 0.0
		for n := range c.Steps {
			a, b := national(c, ct.Steps[n]), national(c, mf.Steps[n])
			for k := range a {
				d := math.Abs(a[k] - b[k])
				worst = math.Max(worst, d)
				if d > 1e-4 {
					t.Errorf("%s step %d share %d: counts %.7f, mean field %.7f", c.Name, n, k, a[k], b[k])
				}
			}
		}
		t.Logf("%s, %d agents: largest difference %.2g", c.Name, c.Agents(), worst)
	}
}

// national returns the national shares of one step: holders of each
// method, each platform's payment shares by method, and the platforms'
// shares of transactions.
func national(c *Config, st Tally) []float64 {
	var pop float64
	holders := make([]float64, len(c.Methods))
	tx := make([][]float64, len(c.Platforms))
	for p := range tx {
		tx[p] = make([]float64, len(c.Methods))
	}
	for _, r := range st.Regions {
		pop += r.Population
		for m := range holders {
			holders[m] += r.Holders[m]
		}
		for p := range tx {
			for m := range tx[p] {
				tx[p][m] += r.Transactions[p][m]
			}
		}
	}
	var out []float64
	for m := range holders {
		out = append(out, holders[m]/pop)
	}
	var all float64
	plat := make([]float64, len(tx))
	for p := range tx {
		for _, x := range tx[p] {
			plat[p] += x
		}
		all += plat[p]
		for _, x := range tx[p] {
			out = append(out, x/plat[p])
		}
	}
	for p := range plat {
		out = append(out, plat[p]/all)
	}
	return out
}

// TestCountsMatchAgents compares the two stochastic engines over 300
// replicates of a small world (2,000 agents, 52 weeks): for the
// adoption of each method, WeChat Pay's share of Taobao's payments and
// JD's share of transactions at the last step, the means agree within 4
// standard errors of their difference and the standard deviations
// within a factor of 1.35 (an F test on 299 and 299 degrees of freedom
// at about the 1e-4 level).
func TestCountsMatchAgents(t *testing.T) {
	if testing.Short() {
		t.Skip("600 runs")
	}
	c := testConfig(2000)
	const runs = 300
	stats := func(e Engine) [][]float64 {
		var rows [][]float64
		for r := range runs {
			res := mustRun(t, c, 11, &Settings{Engine: e, Run: r, Workers: 1})
			rows = append(rows, national(c, res.Steps[c.Steps-1]))
		}
		return rows
	}
	a, b := stats(AgentBased), stats(Counts)
	// The shares compared: holders of the three methods, WeChat Pay's
	// share of Taobao's payments (platform 0, method 1), JD's share of
	// transactions.
	idx := []int{0, 1, 2, 3 + 1, 3 + 9 + 1}
	names := []string{"alipay holders", "wechat_pay holders", "card holders", "wechat_pay share of taobao", "jd share"}
	for j, k := range idx {
		ma, sa := meanSD(a, k)
		mb, sb := meanSD(b, k)
		se := math.Sqrt((sa*sa + sb*sb) / runs)
		if z := math.Abs(ma-mb) / se; z > 4 {
			t.Errorf("%s: agents mean %.5f, counts %.5f (%.1f standard errors)", names[j], ma, mb, z)
		}
		if r := sa / sb; r > 1.35 || r < 1/1.35 {
			t.Errorf("%s: agents sd %.5f, counts %.5f (ratio %.2f)", names[j], sa, sb, r)
		}
		t.Logf("%s: mean %.5f vs %.5f, sd %.5f vs %.5f", names[j], ma, mb, sa, sb)
	}
}

func meanSD(rows [][]float64, k int) (mean, sd float64) {
	for _, r := range rows {
		mean += r[k]
	}
	mean /= float64(len(rows))
	for _, r := range rows {
		sd += (r[k] - mean) * (r[k] - mean)
	}
	return mean, math.Sqrt(sd / float64(len(rows)-1))
}

// TestCountsWorkersIdentical checks that the count engine's result does
// not depend on the number of workers, and that another run index draws
// other numbers.
func TestCountsWorkersIdentical(t *testing.T) {
	c := incumbencyConfig(1_000_003)
	want := mustRun(t, c, 7, &Settings{Engine: Counts, Workers: 1})
	got := mustRun(t, c, 7, &Settings{Engine: Counts, Workers: 2})
	sameResults(t, got, want, 0)
	other := mustRun(t, c, 7, &Settings{Engine: Counts, Workers: 2, Run: 1})
	if other.Steps[10].Regions[0].Holders[1] == want.Steps[10].Regions[0].Holders[1] {
		t.Error("run 1 drew the same holders as run 0")
	}
}

// TestCountsFeaturesConvergeToMeanField runs the history features on
// the count engine (a launch date, a regional campaign, growth of a
// region's population, channels), 200,000 agents each: every share lies
// within 5 standard errors of the mean field at every step, as for the
// agent engine.
func TestCountsFeaturesConvergeToMeanField(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *Config
	}{
		{"launch", launchConfig(200000)},
		{"campaign", campaignConfig(200000)},
		{"growth", growthConfig(200000)},
		{"channels", channelConfig(200000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			worst := engineAgreesWithMeanField(t, tc.c, 21, 5, Counts)
			t.Logf("largest deviation: %.2f standard errors", worst)
		})
	}
}
