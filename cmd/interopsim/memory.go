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

// checkMemory refuses a run of cfg with engine e that needs more than
// memoryShare of the memory available according to meminfo (a file in
// the format of /proc/meminfo), counting extra bytes besides the engine's
// own (the replicates an ensemble keeps). When that file cannot be read or lacks
// the figure, the check is skipped.
func checkMemory(cfg *sim.Config, e sim.Engine, meminfo string, extra uint64) error {
	avail, ok := memAvailable(meminfo)
	if !ok {
		return nil
	}
	need := sim.MemoryEstimate(cfg, e) + extra
	if float64(need) <= memoryShare*float64(avail) {
		return nil
	}
	hint := "lower --agents"
	if e == sim.AgentBased {
		hint += ", or use --engine meanfield"
	}
	return fmt.Errorf("not enough memory: the run needs about %s, and %s is available (at most %d%% may be used): %s",
		fmtBytes(need), fmtBytes(avail), int(memoryShare*100), hint)
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
