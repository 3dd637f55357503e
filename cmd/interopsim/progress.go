package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// progressDelay is how long a job runs before its progress is shown: a
// variable, so that the tests of whole commands can keep a loaded
// machine's slowness out of what they compare.
var progressDelay = time.Second

// Defaults of a progress's timing and layout.
const (
	progressRedraw   = 100 * time.Millisecond // between two redraws of the bar
	progressInterval = 5 * time.Second        // between two plain lines
	progressWidth    = 79                     // columns the bar line may fill
	progressBar      = 20                     // cells of the bar
)

// progress reports the advance of a job of `total` units (replicates ×
// steps, possibly for two scenarios in a comparison) on w.
//
// Nothing is shown until delay has passed since newProgress, so that short
// jobs stay silent. Then, on a terminal, one line is redrawn in place at
// most every redraw:
//
//	taobao-wechat-pay  [##########----------]  52%  run 3/10  step 120/260  elapsed 4.1s  left 3.8s
//
// or, as that is wider than width, more compactly (see barLine):
//
//	taobao-wechat-pay [##########----------] 52% run 3/10 elapsed 4.1s left 3.8s
//
// and elsewhere a plain line is printed at most every interval:
//
//	taobao-wechat-pay: 52% (run 3/10, step 120/260), elapsed 4.1s, about 3.8s left
//
// A job of no units (the plot command's) shows its phase and elapsed time
// only. A quiet progress prints nothing. The methods are safe for
// concurrent use.
type progress struct {
	w        io.Writer
	terminal bool
	quiet    bool
	label    string
	runs     int // replicates
	steps    int // steps per replicate
	warmup   int // of which the first are warm-up steps (see withWarmup)
	now      func() time.Time

	// delay is how long nothing is shown after newProgress.
	delay time.Duration
	// redraw is the least time between two redraws of the bar.
	redraw time.Duration
	// interval is the least time between two plain lines.
	interval time.Duration
	// width is the most columns the bar line fills, so that it never
	// wraps (a wrapped line cannot be redrawn in place).
	width int

	mu        sync.Mutex
	start     time.Time
	next      time.Time // when step may show a line again, after delay
	units     int       // units done
	started   bool      // step was called
	replicate int       // replicate of the last step, from 0
	stepsDone int       // steps done of that replicate
	phaseName string    // set by phase
	shown     bool      // the bar is on the terminal's current line
	finished  bool      // done was called
}

// newProgress returns a progress of replicates × stepsPerReplicate units
// that writes on w: a bar redrawn in place if terminal, plain lines if not,
// nothing if quiet. now tells the time (time.Now outside tests).
func newProgress(w io.Writer, terminal bool, quiet bool, label string, replicates, stepsPerReplicate int, now func() time.Time) *progress {
	start := now()
	return &progress{
		w: w, terminal: terminal, quiet: quiet, label: label,
		runs: max(replicates, 0), steps: max(stepsPerReplicate, 0), now: now,
		delay: progressDelay, redraw: progressRedraw, interval: progressInterval, width: progressWidth,
		start: start,
	}
}

// withWarmup says that the first n steps of each replicate are its
// warm-up, as sim.Run counts them: lines name them "warm-up k/n" and the
// steps after them "step k/steps-n". It returns p.
func (p *progress) withWarmup(n int) *progress {
	p.warmup = min(max(n, 0), p.steps)
	return p
}

// step records that stepsDone steps of replicate are done. Replicates
// count from 0, like sim.Settings.Run, and are shown counted from 1 (run
// 3/10 is replicate 2); the units done are replicate × stepsPerReplicate +
// stepsDone. The count never goes back: a step of an earlier replicate
// arriving late changes nothing. Unless a line is due, step only reads the
// clock. A nil progress does nothing.
func (p *progress) step(replicate, stepsDone int) {
	if p == nil || p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if u := min(replicate*p.steps+stepsDone, p.total()); u >= p.units {
		p.started, p.units, p.replicate, p.stepsDone = true, u, replicate, stepsDone
	}
	if now := p.now(); !now.Before(p.next) && now.Sub(p.start) >= p.delay {
		p.show(now)
	}
}

// phase names what the job does now, such as "drawing figures"; "" names
// nothing. Once delay has passed the change is shown at once.
func (p *progress) phase(name string) {
	if p == nil || p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phaseName = name
	if now := p.now(); now.Sub(p.start) >= p.delay {
		p.show(now)
	}
}

// println writes line and a newline on the progress's writer, first
// clearing the bar's line on a terminal; the bar comes back at the next
// phase or step shown. A quiet or nil progress prints it too.
func (p *progress) println(w io.Writer, line string) {
	if p == nil {
		fmt.Fprintln(w, line)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		io.WriteString(p.w, "\r\033[K")
		p.shown = false
	}
	fmt.Fprintln(w, line)
}

// done clears the bar's line on a terminal, so that what follows starts on
// a clean line, and stops the progress: later calls show nothing. It
// prints nothing else.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		io.WriteString(p.w, "\r\033[K")
		p.shown = false
	}
	p.finished = true
}

func (p *progress) total() int { return p.runs * p.steps }

// show writes the bar or a plain line for the time now. p.mu is held.
func (p *progress) show(now time.Time) {
	if p.finished {
		return
	}
	if p.terminal {
		io.WriteString(p.w, "\r"+p.barLine(now)+"\033[K")
		p.shown = true
		p.next = now.Add(p.redraw)
	} else {
		io.WriteString(p.w, p.plainLine(now)+"\n")
		p.next = now.Add(p.interval)
	}
}

// status returns the parts of a line: the percentage done, the replicate
// and step ("" once all is done or before the first step), the elapsed
// time and the estimated time left ("" when it cannot be told yet).
func (p *progress) status(now time.Time) (pct int, run, step, elapsed, left string) {
	total, done := p.total(), p.units
	if total > 0 {
		pct = done * 100 / total
	}
	if p.started && done < total {
		run = fmt.Sprintf("run %d/%d", p.replicate+1, p.runs)
		step = fmt.Sprintf("step %d/%d", p.stepsDone-p.warmup, p.steps-p.warmup)
		if p.stepsDone < p.warmup {
			step = fmt.Sprintf("warm-up %d/%d", p.stepsDone, p.warmup)
		}
	}
	e := now.Sub(p.start)
	elapsed = fmtDurationShort(e)
	// Below 1% done, the time taken to set up weighs too much.
	if done > 0 && done < total && done*100 >= total {
		left = fmtDurationShort(time.Duration(float64(e) * float64(total-done) / float64(done)))
	}
	return pct, run, step, elapsed, left
}

// barLine returns the terminal line, without \r: the fields separated by
// two spaces, or by one, then without the step, then with the label cut,
// whichever first fits in p.width columns.
func (p *progress) barLine(now time.Time) string {
	pct, run, step, elapsed, left := p.status(now)
	filled := 0
	if total := p.total(); total > 0 {
		filled = p.units * progressBar / total
	}
	bar := "[" + strings.Repeat("#", filled) + strings.Repeat("-", progressBar-filled) + "]"
	fields := func(withStep bool) []string {
		var f []string
		if p.total() > 0 {
			f = append(f, bar, fmt.Sprintf("%d%%", pct))
		}
		if run != "" {
			f = append(f, run)
			if withStep {
				f = append(f, step)
			}
		}
		if p.phaseName != "" {
			f = append(f, p.phaseName)
		}
		f = append(f, "elapsed "+elapsed)
		if left != "" {
			f = append(f, "left "+left)
		}
		return f
	}
	for _, try := range []struct {
		sep      string
		withStep bool
	}{{"  ", true}, {" ", true}, {" ", false}} {
		line := strings.Join(append([]string{p.label}, fields(try.withStep)...), try.sep)
		if utf8.RuneCountInString(line) <= p.width {
			return line
		}
	}
	rest := " " + strings.Join(fields(false), " ")
	room := p.width - utf8.RuneCountInString(rest)
	return cutLabel(p.label, max(room, 0)) + rest // still too long only if width is tiny
}

// cutLabel returns s cut to at most n runes, the last of them "…" when cut.
func cutLabel(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// plainLine returns the line printed when w is not a terminal, without
// the newline.
func (p *progress) plainLine(now time.Time) string {
	pct, run, step, elapsed, left := p.status(now)
	var b strings.Builder
	parts := []string{}
	if p.total() > 0 {
		part := fmt.Sprintf("%d%%", pct)
		if run != "" {
			part += fmt.Sprintf(" (%s, %s)", run, step)
		}
		parts = append(parts, part)
	}
	if p.phaseName != "" {
		parts = append(parts, p.phaseName)
	}
	parts = append(parts, "elapsed "+elapsed)
	b.WriteString(p.label + ": " + strings.Join(parts, ", "))
	if left != "" {
		b.WriteString(", about " + left + " left")
	}
	return b.String()
}

// fmtDurationShort formats a duration compactly, for progress: 0.8s,
// 12s, 3m05s, 1h02m.
func fmtDurationShort(d time.Duration) string {
	d = max(d, 0)
	if d < 9950*time.Millisecond {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

// interruptedMessage says what an interrupted job kept: e.g.
// "interrupted after 3 of 10 runs: nothing written; the output directory
// is as it was". An empty kept says nothing of it.
func interruptedMessage(runsDone, runs int, kept string) string {
	unit := "runs"
	if runs == 1 {
		unit = "run"
	}
	msg := fmt.Sprintf("interrupted after %d of %d %s", runsDone, runs, unit)
	if kept != "" {
		msg += ": " + kept
	}
	return msg
}
