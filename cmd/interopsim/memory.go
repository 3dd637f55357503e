package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// The sizes of a table's rows, which hold the strings they name.
const (
	rowBytes     = uint64(unsafe.Sizeof(output.Row{}))
	statRowBytes = uint64(unsafe.Sizeof(output.StatRow{}))
)

// memoryShare is the largest share of the available memory a run may need.
const memoryShare = 0.9

// memoryJob says what a job keeps in memory besides the engine's state.
type memoryJob struct {
	// runs is the number of replicates of each scenario.
	runs int
	// compare is set for compare: a scenario and a baseline, their
	// difference and three statistics tables.
	compare bool
	// keepRuns writes every replicate (runs.csv), as one table.
	keepRuns bool
	// plots draws the figures.
	plots bool
	// calibrate is set for calibrate: workers mean-field runs at once,
	// bandRuns agent-based runs kept for the fit figure.
	calibrate         bool
	workers, bandRuns int
}

// checkMemory refuses job, of cfg with engine e, if it needs more than
// memoryShare of the memory available: MemAvailable in meminfoPath (a
// file in the format of /proc/meminfo), or what the tightest cgroup
// memory limit leaves if that is less (a container's limit). When
// neither can be read the check is skipped. The refusal names the
// limit that applies, what takes most of the memory (the agents, the
// steps or the replicates) and the flag that lowers it.
func checkMemory(cfg *sim.Config, e sim.Engine, job memoryJob) error {
	avail, ok := memAvailable(meminfoPath)
	cg, limited := readCgroupLimit(cgroupPath, cgroupRoot)
	if limited && (!ok || cg.free < avail) {
		avail, ok = cg.free, true
	} else {
		limited = false
	}
	if !ok {
		return nil
	}
	m := estimateMemory(cfg, e, job)
	limit := uint64(memoryShare * float64(avail))
	if m.total <= limit {
		return nil
	}
	where := fmt.Sprintf("%s is available (at most %d%% may be used)", fmtBytes(avail), int(memoryShare*100))
	if limited {
		where = fmt.Sprintf("%s is available under the container's memory limit of %s (cgroup %s, %s in use; at most %d%% may be used)",
			fmtBytes(avail), fmtBytes(cg.limit), cg.group, fmtBytes(cg.used), int(memoryShare*100))
	}
	return fmt.Errorf("not enough memory: the run needs about %s, and %s: %s",
		fmtBytes(m.total), where, m.advice(cfg, e, job.runs, limit))
}

// memoryNeed is what a job needs, and the parts of it that grow with the
// number of agents, of steps and of replicates.
type memoryNeed struct {
	total uint64
	// agents is the engine's state per agent (agent-based engine only).
	agents uint64
	// steps is what grows with the horizon: the engine's results per
	// step and every table's keys and statistics.
	steps uint64
	// replicates is what grows with the replicates, perRun each: their
	// values in the tables and, with --keep-runs, their rows.
	replicates, perRun uint64
}

// What the estimate counts besides the tables, measured on the jobs of
// docs/performance.md with /usr/bin/time -v.
const (
	// baseBytes is the resident size of the program itself.
	baseBytes = 20 << 20
	// plotRowBytes is what drawing takes per value plotted: the series'
	// points, bands and paths.
	plotRowBytes = 60
	// gcFactor is the resident size over the live data at the peak: the
	// garbage collector lets the heap grow to twice what it found live
	// (GOGC=100) before it collects.
	gcFactor = 2
	// runFactor is the resident size over the values the replicates
	// keep: each replicate's values are allocated among the garbage of
	// its table, which fragments the heap (measured: 5 MiB a replicate
	// for 0.9 MiB of values with 20 replicates of the flagship).
	runFactor = 3
)

// estimateMemory returns the peak resident memory of job with cfg and
// engine e, and its parts. A job's memory peaks in one of three phases,
// whose live data it counts: while a replicate's table (a Row and its
// entity string per value) is added to the ensemble, besides the
// engine's state and results; while the statistics are computed and the
// files written (the keys, one Row per value, and 8 bytes per value and
// replicate; a StatRow per value and statistics table; with --keep-runs,
// one Row per value and replicate while runs.csv is written); and while
// the figures are drawn (a rounded copy of every statistics table and
// the figures' data). The phase that needs most sets the estimate: its
// live data times gcFactor, the replicates' values times runFactor and,
// as they are, what is allocated at once (see phase), plus the program
// and the figures' canvases.
func estimateMemory(cfg *sim.Config, e sim.Engine, job memoryJob) memoryNeed {
	if job.calibrate {
		return estimateCalibrate(cfg, job)
	}
	engine := sim.MemoryEstimate(cfg, e)
	var agents uint64
	if e == sim.AgentBased {
		// The mean-field engine needs what the agent-based one does but
		// the agents' state and counters.
		agents = engine - min(engine, sim.MemoryEstimate(cfg, sim.MeanField))
	}
	values := tableValues(cfg)
	table := values*rowBytes + entityBytes(cfg)
	stat := values * statRowBytes
	sets, stats := uint64(1), uint64(1) // ensembles and statistics tables
	if job.compare {
		sets, stats = 2, 3
	}
	perRun := values * 8 * sets
	var diff uint64 // per replicate: compare's difference, made at once at the end
	if job.compare {
		diff = values * 8
	}
	keep := uint64(0) // per replicate, while runs.csv is written
	if job.keepRuns && job.runs > 1 {
		keep = values * rowBytes
	}
	// While a replicate's table is added: the keys of each ensemble,
	// compare's scenario table kept while the baseline runs, and the
	// table being built, which is briefly 1.8 times its size while
	// append moves it to a larger array. The first replicate's table
	// is cloned as the keys once it is built, which takes more.
	building := table * 18 / 10
	if job.runs == 1 {
		building = table
	}
	phases := []phase{
		{other: engine - agents + sets*table + (sets-1)*table + building, agents: agents, perRun: perRun},
		{other: sets*table + stats*stat, perRun: perRun, perRunOnce: diff + keep},
	}
	if job.plots {
		phases = append(phases, phase{other: sets*table + stats*stat + stats*plottedValues(cfg)*plotRowBytes,
			once: stats * stat, perRun: perRun, perRunOnce: diff})
	}
	fixed := uint64(baseBytes)
	if job.plots {
		fixed += gcFactor * canvasBytes(cfg) * uint64(min(runtime.GOMAXPROCS(0), figureCount))
	}
	return peakOf(phases, job.runs, fixed)
}

// phase is the live data of one phase of a job: the agents' state, what
// each replicate keeps and the rest, all of which grows with the steps.
// The agents' state, once and perRunOnce (per replicate) are taken by allocations of
// their full size made at once, the last before the peak (the rounded
// statistics, runs.csv's table): the collector finds no garbage made
// after them to let the heap double.
type phase struct {
	agents, perRun, perRunOnce, other, once uint64
}

// need is what the phase needs with runs replicates: gcFactor times its
// live data, and perRunOnce as it is.
func (p phase) need(runs int) memoryNeed {
	m := memoryNeed{agents: p.agents, perRun: runFactor*p.perRun + p.perRunOnce, steps: gcFactor*p.other + p.once}
	m.replicates = uint64(runs) * m.perRun
	m.total = m.agents + m.replicates + m.steps
	return m
}

// peakOf returns the need of the phase that needs most, of runs
// replicates, plus fixed.
func peakOf(phases []phase, runs int, fixed uint64) memoryNeed {
	var m memoryNeed
	for _, p := range phases {
		if n := p.need(runs); n.total > m.total {
			m = n
		}
	}
	m.total += fixed
	return m
}

// tableValues is the number of values of one replicate's table.
func tableValues(cfg *sim.Config) uint64 {
	return uint64(cfg.Steps) * uint64(len(cfg.Regions)+1) * uint64(sim.MeasureCount(cfg))
}

// entityBytes is the memory the entity strings of one replicate's table
// take: sim.Result.Measures joins platform/method and channel/method
// anew for every step and region.
func entityBytes(cfg *sim.Config) uint64 {
	var perStep uint64
	for _, m := range cfg.Methods {
		for _, p := range cfg.Platforms {
			perStep += 4 * stringBytes(len(p.Name)+1+len(m.Name)) // payment_share, payment_value_share, transactions, signups
		}
		for _, c := range cfg.Channels {
			perStep += 3 * stringBytes(len(c.Name)+1+len(m.Name)) // channel_payment_share, channel_transactions, channel_value
		}
	}
	return uint64(cfg.Steps) * uint64(len(cfg.Regions)+1) * perStep
}

// stringBytes is the allocation of a string of n bytes: Go's size
// classes step by 8 to 16 bytes, then by 16.
func stringBytes(n int) uint64 {
	if n <= 8 {
		return 8
	}
	return uint64(n+15) / 16 * 16
}

// plottedValues is the number of values of one statistics table the
// figures draw: adoption, the payment and platform shares, lost sales,
// sign-ups and multihoming, for all regions and each region.
func plottedValues(cfg *sim.Config) uint64 {
	nm, np := uint64(len(cfg.Methods)), uint64(len(cfg.Platforms))
	perRegion := nm + nm + 2*np*nm + np + np + np*nm + 1
	return uint64(cfg.Steps) * uint64(len(cfg.Regions)+1) * perRegion
}

// canvasBytes is the RGBA canvas of a figure at the default size and
// resolution (16 cm wide at 300 dpi: 1890 pixels), 4 bytes a pixel,
// each drawn on its own, one per worker. A figure is 1.25 times as tall
// as wide, and taller by about an eighth of its width for every note
// of an event marked on a date of its own (the history's five make the
// adoption figure twice as tall as wide), up to twice as tall.
func canvasBytes(cfg *sim.Config) uint64 {
	const width = 1890
	var dates []time.Time
	for _, e := range cfg.Events {
		if !e.Unmarked && !slices.ContainsFunc(dates, e.Date.Equal) {
			dates = append(dates, e.Date)
		}
	}
	height := min(2, 1.25+0.125*float64(len(dates))) * width
	return uint64(4 * width * height)
}

// figureCount is the number of figures run draws; Render draws one per
// worker at once.
const figureCount = 6

// estimateCalibrate returns what calibrate needs: one mean-field engine
// per worker, each with its results (the fit's evaluations run in
// parallel), and the fit figure's band: bandRuns agent-based results
// kept at once, with the engine that runs them.
func estimateCalibrate(cfg *sim.Config, job memoryJob) memoryNeed {
	mf := sim.MemoryEstimate(cfg, sim.MeanField)
	ab := sim.MemoryEstimate(cfg, sim.AgentBased)
	noSteps := *cfg
	noSteps.Steps = 0
	result := mf - min(mf, sim.MemoryEstimate(&noSteps, sim.MeanField)) // one run's tallies
	agents := ab - min(ab, mf)
	workers := uint64(job.workers)
	if workers == 0 {
		workers = uint64(runtime.GOMAXPROCS(0))
	}
	phases := []phase{
		{other: workers * mf},
		{agents: agents, other: mf + (ab - agents), perRun: result},
	}
	fixed := uint64(baseBytes)
	if job.plots {
		fixed += canvasBytes(cfg) // one figure, drawn at the end
	}
	return peakOf(phases, job.bandRuns, fixed)
}

// advice says what takes most of the memory and how to need less, so
// that the job fits in limit bytes.
func (m memoryNeed) advice(cfg *sim.Config, e sim.Engine, runs int, limit uint64) string {
	switch {
	case m.replicates >= m.agents && m.replicates >= m.steps:
		s := fmt.Sprintf("%s replicates keep their metrics tables in memory until the end (%s, %s each): use fewer --runs",
			fmtCount(float64(runs)), fmtBytes(m.replicates), fmtBytes(m.perRun))
		if rest := m.total - m.replicates; rest < limit && m.perRun > 0 {
			if fit := (limit - rest) / m.perRun; fit >= 2 {
				s += fmt.Sprintf(" (about %s fit)", fmtCount(float64(roundDown(fit))))
			}
		}
		return s
	case m.agents >= m.steps:
		s := fmt.Sprintf("%s agents take %s: lower --agents", fmtCount(float64(cfg.Agents())), fmtBytes(m.agents))
		if rest := m.total - m.agents; rest < limit && m.agents > 0 {
			fit := uint64(float64(cfg.Agents()) * float64(limit-rest) / float64(m.agents))
			s += fmt.Sprintf(" (about %s fit)", fmtCount(float64(roundDown(fit))))
		}
		if e == sim.AgentBased {
			s += ", or use --engine counts (the same law) or meanfield, whose memory does not grow with the agents"
			if runs > 1 {
				s += " (it runs one replicate: leave --runs out)"
			}
		}
		return s
	}
	return fmt.Sprintf("the %s steps of the horizon take %s: shorten the scenario's horizon (end or duration) or use a longer step", fmtCount(float64(cfg.Steps)), fmtBytes(m.steps))
}

// roundDown rounds n down to two significant digits: an estimate of what
// fits should not look more exact than it is.
func roundDown(n uint64) uint64 {
	unit := uint64(1)
	for n/unit >= 100 {
		unit *= 10
	}
	return n / unit * unit
}

// memAvailable returns MemAvailable from a file in the format of
// /proc/meminfo, in bytes, and whether it could be read.
func memAvailable(path string) (uint64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		unit := uint64(1)
		if len(f) > 1 {
			switch f[1] {
			case "kB":
				unit = 1 << 10
			case "MB":
				unit = 1 << 20
			case "GB":
				unit = 1 << 30
			default:
				return 0, false
			}
		}
		return n * unit, true
	}
	return 0, false
}
