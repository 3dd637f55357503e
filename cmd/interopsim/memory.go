package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/interopsim/interopsim/sim"
)

// memoryShare is the largest share of the available memory a run may need.
const memoryShare = 0.9

// checkMemory refuses a job of runs replicates of cfg with engine e that
// needs more than memoryShare of the memory available according to
// meminfo (a file in the format of /proc/meminfo). Each replicate keeps
// tables metrics tables until the end (1 for run; 3 for compare: the
// scenario, the baseline and their difference). When that file cannot
// be read or lacks the figure, the check is skipped. The refusal names
// what takes most of the memory, the agents, the steps or the
// replicates, and the flag that lowers it.
func checkMemory(cfg *sim.Config, e sim.Engine, meminfo string, runs, tables int) error {
	avail, ok := memAvailable(meminfo)
	if !ok {
		return nil
	}
	m := estimateMemory(cfg, e, runs, tables)
	limit := uint64(memoryShare * float64(avail))
	if m.total <= limit {
		return nil
	}
	return fmt.Errorf("not enough memory: the run needs about %s, and %s is available (at most %d%% may be used): %s",
		fmtBytes(m.total), fmtBytes(avail), int(memoryShare*100), m.advice(cfg, e, runs, limit))
}

// memoryNeed is what a job needs, and the parts of it that grow with the
// number of agents, of steps and of replicates.
type memoryNeed struct {
	total uint64
	// agents is the engine's state per agent (agent-based engine only).
	agents uint64
	// steps is what grows with the horizon: the engine's results per
	// step and one replicate's full table while it is added.
	steps uint64
	// replicates is the metrics tables the replicates keep, perRun each.
	replicates, perRun uint64
}

// estimateMemory returns what runs replicates of cfg need with engine
// e, each keeping tables metrics tables: sim.MemoryEstimate and
// ensembleBytes per table, taken apart.
func estimateMemory(cfg *sim.Config, e sim.Engine, runs, tables int) memoryNeed {
	engine := sim.MemoryEstimate(cfg, e)
	noSteps := *cfg
	noSteps.Steps = 0
	m := memoryNeed{total: engine + uint64(tables)*ensembleBytes(cfg, runs)}
	if e == sim.AgentBased {
		// The mean-field engine needs what the agent-based one does but
		// the agents' state and counters.
		m.agents = engine - min(engine, sim.MemoryEstimate(cfg, sim.MeanField))
	}
	m.perRun = uint64(tables) * (ensembleBytes(cfg, 2) - ensembleBytes(cfg, 1))
	m.replicates = uint64(runs) * m.perRun
	m.steps = engine - min(engine, sim.MemoryEstimate(&noSteps, e)) + uint64(tables)*(ensembleBytes(cfg, 1)-m.perRun/uint64(tables))
	return m
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
			s += ", or use --engine meanfield, whose memory does not grow with the agents"
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
