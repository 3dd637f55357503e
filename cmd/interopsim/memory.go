package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/bits"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
	"github.com/interopsim/interopsim/sim"
)

// statRowBytes is the size of a row of the statistics tables the
// figures draw from; its strings are the layout's, shared.
const statRowBytes = uint64(unsafe.Sizeof(output.StatRow{}))

// memoryShare is the largest share of the available memory a run may need.
const memoryShare = 0.9

// memoryJob says what a job keeps in memory besides the engine's state.
type memoryJob struct {
	// runs is the number of replicates of each scenario.
	runs int
	// compare is set for compare: a scenario and a baseline, their
	// difference and three statistics tables for the figures.
	compare bool
	// keepRuns writes every replicate (runs.csv); it is written from
	// the replicates' values as they are, and needs nothing more.
	keepRuns bool
	// plots draws the figures.
	plots bool
	// parquet writes the tables as Parquet (--table parquet), whose
	// writer holds a row group's pages and its encoders' buffers.
	parquet bool
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
	// steps is what grows with the horizon besides the replicates'
	// values: the engine's results per step and the figures' tables.
	steps uint64
	// replicates is what grows with the replicates, perRun each: their
	// values.
	replicates, perRun uint64
}

// What the estimate counts besides the engine and the values, measured
// on the jobs of docs/performance.md with /usr/bin/time -v.
const (
	// baseBytes is the resident size of the program itself: a run of
	// a tiny world peaks at 17 MiB (13 MiB before Parquet was linked in).
	baseBytes = 17 << 20
	// plotRowBytes is what drawing takes per value plotted besides its
	// row: the series' points, bands and paths, in every figure.
	plotRowBytes = 160
	// gcFactor is the resident size over the live data at the peak: the
	// garbage collector lets the heap grow to twice what it found live
	// (GOGC=100) before it collects, and minHeap is the least it lets
	// it grow to.
	gcFactor = 2
	minHeap  = 4 << 20
	// canvasFactor is what drawing a figure takes per byte of its RGBA
	// canvas (4 bytes a pixel): the canvas, the rasteriser's coverage
	// buffer (a float32 a pixel) and PNG encoding's buffers, measured.
	canvasFactor = 3
	// parquetWriterBytes is what the Parquet writer holds while it
	// writes a table: its column buffers, a row group's compressed pages
	// and dictionaries, measured (about 10 MiB for row groups of 2^17
	// rows).
	parquetWriterBytes = 10 << 20
	// calibrateBytes is what a calibration holds besides its runs: the
	// data, the fit's working memory and the parameter draws, measured
	// on calibrate/history-like.yaml.
	calibrateBytes = 4 << 20
)

// estimateMemory returns the peak resident memory of job with cfg and
// engine e, and its parts. What a job keeps is compact: the engine's
// state and its tallies of every step (sim.Result) while a replicate
// runs, and 8 bytes per value and replicate (output.Runs) from which
// every file is written as it goes, without a table of rows. Its memory
// peaks in one of three phases, whose live data it counts: while the
// last replicate runs and its values are read (the engine's tallies and
// the values of every replicate); while the files are written (the
// values, and compare's differences); and while the figures are drawn
// (the values, a table of the rows drawn per statistics table, its
// rounded copy and the figures' data). The phase that needs most sets
// the estimate: its live data times gcFactor, plus the engine's
// outcome tables and the agents' state as they are (allocated once,
// and counted by sim.MemoryEstimate at their largest), the program and
// the figures' canvases.
func estimateMemory(cfg *sim.Config, e sim.Engine, job memoryJob) memoryNeed {
	if job.calibrate {
		return estimateCalibrate(cfg, job)
	}
	engine := sim.MemoryEstimate(cfg, e)
	var agents, joint uint64
	if e == sim.AgentBased {
		// Beyond the mean field's, the agent-based engine holds the
		// agents' state and, for the states they occupy, joint outcome
		// tables, guides and per-worker counters.
		extra := engine - min(engine, sim.MemoryEstimate(cfg, sim.MeanField))
		agents = min(extra, uint64(cfg.Agents())*uint64(sim.StateBytes(cfg)))
		joint = extra - agents
	}
	result := min(resultBytes(cfg), engine-agents-joint)
	tables := engine - agents - joint - result
	if e == sim.AgentBased {
		// sim.MemoryEstimate counts the outcome tables of every state
		// an agent could be in; the agent-based engine builds those of
		// the occupied states only (about a sixth of them on the
		// flagship at 400,000 agents), counted as half: the flagship's
		// runs of 20,000 agents then peak within 10% of the estimate
		// (TestEstimateWithinMeasuredPeak).
		tables = (tables + joint) / 2
	}
	values := tableValues(cfg) * 8      // one replicate's
	sets, stats := uint64(1), uint64(1) // ensembles and statistics tables
	var diff uint64                     // per replicate: compare's difference, made at the end
	if job.compare {
		sets, stats, diff = 2, 3, values
	}
	phases := []phase{
		// The last replicate runs and its values are read: the engine,
		// its tallies and the values of every replicate.
		{agents: agents, once: tables, other: result, perRun: sets * values},
		{perRun: sets*values + diff},
	}
	if job.parquet {
		phases = append(phases, phase{other: parquetWriterBytes, perRun: sets*values + diff})
	}
	if job.plots {
		// The rows drawn, in a table per statistics table: built, then
		// copied rounded; then the rounded copy, the figures' data and a
		// canvas per figure drawn at once.
		drawn := stats * figureValues(cfg)
		canvases := uint64(canvasFactor*float64(canvasBytes(cfg))) * uint64(min(runtime.GOMAXPROCS(0), figureCount))
		phases = append(phases,
			phase{once: 2 * drawn * statRowBytes, perRun: sets*values + diff},
			phase{once: drawn*(statRowBytes+plotRowBytes) + canvases, perRun: sets*values + diff})
	}
	return peakOf(phases, job.runs, baseBytes)
}

// phase is the live data of one phase of a job: the agents' state and
// once, counted as they are (allocated once, at their full size); what
// each replicate keeps, perRun; and the rest, other, which grows with
// the steps.
type phase struct {
	agents, perRun, other, once uint64
}

// need is what the phase needs with runs replicates: gcFactor times its
// live data, at least minHeap, and agents and once as they are.
func (p phase) need(runs int) memoryNeed {
	m := memoryNeed{agents: p.agents, perRun: gcFactor * p.perRun, steps: gcFactor*p.other + p.once}
	m.replicates = uint64(runs) * m.perRun
	m.total = m.agents + m.replicates + m.steps
	if heap := m.replicates + gcFactor*p.other; heap < minHeap {
		m.total += minHeap - heap
	}
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

// resultBytes is the memory of the engine's tallies of every step that
// a run returns (sim.Result.Steps): per step a sim.Tally, holding per
// region a sim.RegionTally and its slices by method, platform and
// channel. sim.MemoryEstimate counts them among the rest.
func resultBytes(cfg *sim.Config) uint64 {
	nm, np, nc := len(cfg.Methods), len(cfg.Platforms), len(cfg.Channels)
	floats := func(n int) uint64 { return allocBytes(8 * n) }
	grid := func(rows int) uint64 {
		if rows == 0 {
			return 0
		}
		return allocBytes(rows*int(unsafe.Sizeof([]float64{}))) + uint64(rows)*floats(nm)
	}
	region := 2*floats(nm) + 3*grid(np) + 2*floats(np) + 2*grid(nc) + floats(nc)
	perStep := uint64(unsafe.Sizeof(sim.Tally{})) + allocBytes(len(cfg.Regions)*int(unsafe.Sizeof(sim.RegionTally{}))) +
		uint64(len(cfg.Regions))*region
	return uint64(cfg.Steps) * perStep
}

// allocBytes is what an allocation of n bytes takes: n rounded up to
// Go's size classes, by 16 bytes up to 256 and then within an eighth.
func allocBytes(n int) uint64 {
	switch {
	case n <= 0:
		return 0
	case n <= 8:
		return 8
	case n <= 256:
		return uint64(n+15) / 16 * 16
	}
	step := uint64(1) << (bits.Len(uint(n-1)) - 3)
	return (uint64(n) + step - 1) / step * step
}

// figureValues is the number of values of one statistics table that the
// figures draw (the rows of plots.Metrics), for all regions and each
// region: the table built for them.
func figureValues(cfg *sim.Config) uint64 {
	per := map[string]int{"method": len(cfg.Methods), "platform": len(cfg.Platforms),
		"platform/method": len(cfg.Platforms) * len(cfg.Methods), "2+": 1,
		"channel": len(cfg.Channels), "channel/method": len(cfg.Channels) * len(cfg.Methods)}
	drawn := plots.Metrics()
	perRegion := 0
	for _, m := range sim.Metrics {
		if slices.Contains(drawn, m.Name) {
			perRegion += per[m.Entity]
		}
	}
	return uint64(cfg.Steps) * uint64(len(cfg.Regions)+1) * uint64(perRegion)
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
	result := resultBytes(cfg) // one run's tallies
	agents := ab - min(ab, mf)
	workers := uint64(job.workers)
	if workers == 0 {
		workers = uint64(runtime.GOMAXPROCS(0))
	}
	phases := []phase{
		{other: workers * mf},
		{agents: agents, other: mf + (ab - agents), perRun: result},
	}
	fixed := uint64(baseBytes + calibrateBytes)
	if job.plots {
		fixed += uint64(canvasFactor * float64(canvasBytes(cfg))) // one figure, drawn at the end
	}
	return peakOf(phases, job.bandRuns, fixed)
}

// advice says what takes most of the memory and how to need less, so
// that the job fits in limit bytes.
func (m memoryNeed) advice(cfg *sim.Config, e sim.Engine, runs int, limit uint64) string {
	switch {
	case m.replicates >= m.agents && m.replicates >= m.steps:
		s := fmt.Sprintf("%s replicates keep their values in memory until the end (%s, %s each): use fewer --runs",
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
