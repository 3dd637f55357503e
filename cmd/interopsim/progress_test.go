package main

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeClock is a clock that moves only when told, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// progressEvent is a call to a progress at a time after its start.
type progressEvent struct {
	at        time.Duration
	kind      string // "step", "phase" or "done"
	replicate int    // of a step
	steps     int    // of a step
	phase     string // of a phase
}

func stepAt(at time.Duration, replicate, steps int) progressEvent {
	return progressEvent{at: at, kind: "step", replicate: replicate, steps: steps}
}

func phaseAt(at time.Duration, name string) progressEvent {
	return progressEvent{at: at, kind: "phase", phase: name}
}

func doneAt(at time.Duration) progressEvent { return progressEvent{at: at, kind: "done"} }

const ms = time.Millisecond

// play runs events on a progress of the "demo" job of replicates ×
// steps, with the default timing, and returns what it wrote.
func play(t *testing.T, terminal, quiet bool, replicates, steps int, events []progressEvent) string {
	t.Helper()
	var buf bytes.Buffer
	clock := newFakeClock()
	start := clock.now()
	p := newProgress(&buf, terminal, quiet, "demo", replicates, steps, clock.now)
	for _, e := range events {
		if d := start.Add(e.at).Sub(clock.now()); d < 0 {
			t.Fatalf("events out of order at %v", e.at)
		} else {
			clock.advance(d)
		}
		switch e.kind {
		case "step":
			p.step(e.replicate, e.steps)
		case "phase":
			p.phase(e.phase)
		case "done":
			p.done()
		}
	}
	return buf.String()
}

func TestProgressOutput(t *testing.T) {
	const (
		bar1 = "\rdemo  [#####---------------]  25%  run 1/2  step 5/10  elapsed 1.0s  left 3.0s\033[K"
		bar2 = "\rdemo  [############--------]  60%  run 2/2  step 2/10  elapsed 1.1s  left 0.7s\033[K"
		clr  = "\r\033[K"
	)
	tests := []struct {
		name           string
		terminal       bool
		quiet          bool
		events         []progressEvent
		want           string
		wantNoCarriage bool // the output holds no \r
	}{
		{
			name:     "silent under a second on a terminal",
			terminal: true,
			events:   []progressEvent{stepAt(0, 0, 1), stepAt(500*ms, 0, 10), stepAt(999*ms, 1, 10), doneAt(999 * ms)},
			want:     "",
		},
		{
			name:   "silent under a second elsewhere",
			events: []progressEvent{stepAt(0, 0, 1), stepAt(999*ms, 1, 10), phaseAt(999*ms, "writing files"), doneAt(999 * ms)},
			want:   "",
		},
		{
			name:     "terminal redraws at most every 100ms and clears",
			terminal: true,
			events: []progressEvent{
				stepAt(500*ms, 0, 1), stepAt(1000*ms, 0, 5), stepAt(1050*ms, 0, 6), stepAt(1099*ms, 0, 7),
				stepAt(1100*ms, 1, 2), stepAt(1150*ms, 1, 3), doneAt(1160 * ms),
			},
			want: bar1 + bar2 + clr,
		},
		{
			name:     "terminal shows a phase at once, without run and step",
			terminal: true,
			events: []progressEvent{
				stepAt(1000*ms, 0, 5), stepAt(1010*ms, 1, 10), phaseAt(1020*ms, "drawing figures"), doneAt(1030 * ms),
			},
			want: bar1 + "\rdemo  [####################]  100%  drawing figures  elapsed 1.0s\033[K" + clr,
		},
		{
			name: "plain lines every 5s, a phase at once, nothing on done",
			events: []progressEvent{
				stepAt(500*ms, 0, 1), stepAt(1000*ms, 0, 5), stepAt(5999*ms, 1, 1), stepAt(6000*ms, 1, 2),
				stepAt(6500*ms, 1, 10), phaseAt(7000*ms, "drawing figures"), doneAt(8000 * ms),
			},
			want: "demo: 25% (run 1/2, step 5/10), elapsed 1.0s, about 3.0s left\n" +
				"demo: 60% (run 2/2, step 2/10), elapsed 6.0s, about 4.0s left\n" +
				"demo: 100%, drawing figures, elapsed 7.0s\n",
			wantNoCarriage: true,
		},
		{
			name:   "plain line of a phase before any step",
			events: []progressEvent{phaseAt(1500*ms, "loading"), doneAt(2000 * ms)},
			want:   "demo: 0%, loading, elapsed 1.5s\n",
		},
		{
			name:     "quiet terminal prints nothing",
			terminal: true,
			quiet:    true,
			events:   []progressEvent{stepAt(1*time.Second, 0, 5), phaseAt(2*time.Second, "writing files"), stepAt(10*time.Second, 1, 5), doneAt(11 * time.Second)},
			want:     "",
		},
		{
			name:   "quiet elsewhere prints nothing",
			quiet:  true,
			events: []progressEvent{stepAt(1*time.Second, 0, 5), stepAt(10*time.Second, 1, 5), phaseAt(20*time.Second, "writing files")},
			want:   "",
		},
		{
			name:     "nothing after done",
			terminal: true,
			events:   []progressEvent{stepAt(1000*ms, 0, 5), doneAt(1010 * ms), stepAt(2000*ms, 1, 2), phaseAt(2000*ms, "writing files"), doneAt(3000 * ms)},
			want:     bar1 + clr,
		},
		{
			name:     "a late step of an earlier replicate does not go back",
			terminal: true,
			events:   []progressEvent{stepAt(100*ms, 1, 2), stepAt(1100*ms, 0, 9), doneAt(1200 * ms)},
			want:     bar2 + clr,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := play(t, tc.terminal, tc.quiet, 2, 10, tc.events)
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			if tc.wantNoCarriage && strings.Contains(got, "\r") {
				t.Errorf("got %q, want no \\r", got)
			}
		})
	}
}

func TestProgressETA(t *testing.T) {
	// A job of 4 replicates of 250 steps: 1,000 units.
	tests := []struct {
		name      string
		at        time.Duration
		replicate int // from 0
		steps     int
		want      string // the plain line after "demo: "
	}{
		{"a quarter done", 4 * time.Second, 1, 0, "25% (run 2/4, step 0/250), elapsed 4.0s, about 12s left"},
		{"half done", 4100 * ms, 1, 250, "50% (run 2/4, step 250/250), elapsed 4.1s, about 4.1s left"},
		{"nearly done", 99 * time.Second, 3, 240, "99% (run 4/4, step 240/250), elapsed 1m39s, about 1.0s left"},
		{"slow start", 2 * time.Hour, 0, 100, "10% (run 1/4, step 100/250), elapsed 2h00m, about 18h00m left"},
		{"1% done", 10 * time.Second, 0, 10, "1% (run 1/4, step 10/250), elapsed 10s, about 16m30s left"},
		{"under 1% done: no estimate", 10 * time.Second, 0, 9, "0% (run 1/4, step 9/250), elapsed 10s"},
		{"nothing done: no estimate", 10 * time.Second, 0, 0, "0% (run 1/4, step 0/250), elapsed 10s"},
		{"all done: no estimate", 10 * time.Second, 3, 250, "100%, elapsed 10s"},
		{"beyond the end counts as the end", 10 * time.Second, 4, 7, "100%, elapsed 10s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := play(t, false, false, 4, 250, []progressEvent{stepAt(tc.at, tc.replicate, tc.steps)})
			if want := "demo: " + tc.want + "\n"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestProgressBarFits(t *testing.T) {
	tests := []struct {
		name  string
		label string
		runs  int
		steps int
		width int
		want  string
	}{
		{
			name:  "two spaces when it fits",
			label: "demo", runs: 10, steps: 260, width: 81,
			want: "demo  [##########----------]  52%  run 6/10  step 52/260  elapsed 4.1s  left 3.8s",
		},
		{
			name:  "one space when two do not fit",
			label: "taobao-wechat-pay", runs: 10, steps: 260, width: 88,
			want: "taobao-wechat-pay [##########----------] 52% run 6/10 step 52/260 elapsed 4.1s left 3.8s",
		},
		{
			name:  "no step when one space does not fit",
			label: "taobao-wechat-pay", runs: 10, steps: 260, width: 79,
			want: "taobao-wechat-pay [##########----------] 52% run 6/10 elapsed 4.1s left 3.8s",
		},
		{
			name:  "label cut last",
			label: "a-scenario-with-a-very-long-name-indeed", runs: 10, steps: 260, width: 79,
			want: "a-scenario-with-a-v… [##########----------] 52% run 6/10 elapsed 4.1s left 3.8s",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			clock := newFakeClock()
			p := newProgress(&buf, true, false, tc.label, tc.runs, tc.steps, clock.now)
			p.width = tc.width
			clock.advance(4100 * ms)
			p.step(5, 52) // 5×260 + 52 = 1,352 of 2,600 units: 52%, run 6/10
			got := strings.TrimSuffix(strings.TrimPrefix(buf.String(), "\r"), "\033[K")
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > tc.width {
				t.Errorf("got a line of %d columns, want at most %d", n, tc.width)
			}
		})
	}
}

func TestProgressTiming(t *testing.T) {
	// The delay and intervals are fields that tests and callers may set.
	var buf bytes.Buffer
	clock := newFakeClock()
	p := newProgress(&buf, false, false, "demo", 1, 100, clock.now)
	p.delay, p.interval = 0, time.Second
	for i := 1; i <= 100; i++ {
		clock.advance(100 * ms)
		p.step(0, i)
	}
	p.done()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 10 {
		t.Errorf("got %d lines, want 10 (one a second for 10 s):\n%s", len(lines), buf.String())
	}
}

func TestProgressConcurrent(t *testing.T) {
	// Run with -race. Every mode, many goroutines, a clock that moves.
	for _, terminal := range []bool{false, true} {
		var buf bytes.Buffer
		clock := newFakeClock()
		p := newProgress(&buf, terminal, false, "demo", 8, 1000, clock.now)
		p.delay, p.interval, p.redraw = 0, ms, ms
		var wg sync.WaitGroup
		for r := range 8 {
			wg.Go(func() {
				for s := 1; s <= 1000; s++ {
					clock.advance(ms / 4)
					p.step(r, s)
					if s%250 == 0 {
						p.phase("phase")
					}
				}
			})
		}
		wg.Wait()
		p.done()
		got := buf.String()
		if got == "" {
			t.Errorf("terminal %v: got nothing, want progress", terminal)
		}
		if terminal && !strings.HasSuffix(got, "\r\033[K") {
			t.Errorf("terminal: got %q at the end, want the line cleared", got[max(len(got)-40, 0):])
		}
		if !terminal && strings.Contains(got, "\r") {
			t.Errorf("plain: got a \\r")
		}
	}
}

func TestProgressStepAllocs(t *testing.T) {
	// A step that shows nothing allocates nothing.
	clock := newFakeClock()
	p := newProgress(&bytes.Buffer{}, true, false, "demo", 10, 1000, clock.now)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		p.step(i/1000%10, i%1000)
	})
	if allocs != 0 {
		t.Errorf("got %v allocations a step, want 0", allocs)
	}
}

func TestProgressDurationShort(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0.0s"},
		{0, "0.0s"},
		{800 * ms, "0.8s"},
		{4140 * ms, "4.1s"},
		{9949 * ms, "9.9s"},
		{9950 * ms, "10s"},
		{12 * time.Second, "12s"},
		{59499 * ms, "59s"},
		{59500 * ms, "1m00s"},
		{185 * time.Second, "3m05s"},
		{3599 * time.Second, "59m59s"},
		{3600 * time.Second, "1h00m"},
		{62 * time.Minute, "1h02m"},
		{26*time.Hour + 40*time.Minute, "26h40m"},
	}
	for _, tc := range tests {
		if got := fmtDurationShort(tc.d); got != tc.want {
			t.Errorf("fmtDurationShort(%v): got %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestProgressNil(t *testing.T) {
	// A nil progress, for callers that report nothing, does nothing.
	var p *progress
	p.step(0, 1)
	p.phase("writing files")
	p.done()
}

func TestProgressInterruptedMessage(t *testing.T) {
	const kept = "nothing written; the output directory is as it was"
	tests := []struct {
		done, runs int
		kept       string
		want       string
	}{
		{3, 10, kept, "interrupted after 3 of 10 runs: " + kept},
		{0, 1, kept, "interrupted after 0 of 1 run: " + kept},
		{10, 10, "", "interrupted after 10 of 10 runs"},
	}
	for _, tc := range tests {
		if got := interruptedMessage(tc.done, tc.runs, tc.kept); got != tc.want {
			t.Errorf("interruptedMessage(%d, %d, %q): got %q, want %q", tc.done, tc.runs, tc.kept, got, tc.want)
		}
	}
}

// TestProgressWarmup checks the step field of a job with a warm-up:
// warm-up steps are named as such, and the recorded steps count from
// the end of the warm-up, while the percentage counts both.
func TestProgressWarmup(t *testing.T) {
	clock := time.Unix(0, 0)
	p := newProgress(io.Discard, false, false, "demo", 1, 36, func() time.Time { return clock }).withWarmup(10)
	for _, tc := range []struct {
		done int
		pct  int
		want string
	}{{3, 8, "warm-up 3/10"}, {10, 27, "step 0/26"}, {20, 55, "step 10/26"}, {35, 97, "step 25/26"}} {
		p.step(0, tc.done)
		if pct, _, step, _, _ := p.status(clock); step != tc.want || pct != tc.pct {
			t.Errorf("%d steps done: %d%%, %q; want %d%%, %q", tc.done, pct, step, tc.pct, tc.want)
		}
	}
}
