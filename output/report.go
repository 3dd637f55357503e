package output

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interopsim/interopsim/internal/termtext"
	"github.com/interopsim/interopsim/sim"
)

// ReportInput is what a human summary reports: a scenario's figures
// and, for a comparison, its baseline and effects.
type ReportInput struct {
	// Config is the scenario's configuration.
	Config *sim.Config
	// Scenario is the scenario's name and Description says what it is.
	Scenario    string
	Description string
	// Summary holds the scenario's figures over one or more replicates
	// and says how they were made (see NewSummary): the report's levels
	// are its moments, so that summary.json, summary.md and the
	// terminal show the same figures.
	Summary *Summary
	// Baseline holds the figures of the scenario compared with, and
	// BaselineName its name; nil unless a comparison.
	Baseline     Statistics
	BaselineName string
	// Effects is the effects table of a comparison (see EffectsAt); nil
	// unless a comparison. Each event of the rows gets a table of its
	// own, with a column per horizon, in the order of the rows.
	Effects []EffectRow
	// EffectsNote says, for a comparison, what its baseline leaves out
	// and so what the effects measure; it is added to how to read them.
	EffectsNote string
	// Notes are remarks on the effects table, such as horizons skipped
	// (EffectPlan.Notes), written after the tables.
	Notes []string
	// Figures are the paths of figures to embed in the markdown, relative
	// to its directory and with slashes ("plots/headline.png"), in order.
	Figures []string
	// MetricsFile is the file holding every metric at every step, which
	// the markdown links to; empty means MetricsFile (metrics.csv).
	MetricsFile string
}

// TextWidth is the widest line WriteText writes, in characters, unless a
// single label and column are wider.
const TextWidth = 100

// WriteMarkdown writes the human summary of in to w as GitHub markdown
// (summary.md): a title, the scenario's description, the provenance in
// one sentence, the table of headline figures (HeadlineKeys) before the
// first event and at the end, with the baseline and the effects at each
// horizon for a comparison, the figures, and how to read them.
func WriteMarkdown(w io.Writer, in ReportInput) error {
	rep, err := buildReport(in)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", mdEscape(rep.title))
	if d := strings.Join(strings.Fields(in.Description), " "); d != "" {
		fmt.Fprintf(bw, "%s\n\n", mdEscape(d))
	}
	fmt.Fprintf(bw, "%s %s\n\n", mdEscape(rep.provenance), mdEscape(rep.moments))

	for _, t := range rep.tables {
		if t.heading != "" {
			fmt.Fprintf(bw, "## %s\n\n", mdEscape(t.heading))
		}
		bw.WriteString("| |")
		for _, c := range t.columns {
			fmt.Fprintf(bw, " %s<br>%s |", mdEscape(c.what), c.when)
		}
		bw.WriteString("\n|:---|")
		for range t.columns {
			bw.WriteString("---:|")
		}
		bw.WriteString("\n")
		for _, b := range t.blocks {
			fmt.Fprintf(bw, "| **%s** |%s\n", mdEscape(b.heading), strings.Repeat(" |", len(t.columns)))
			for _, r := range b.rows {
				fmt.Fprintf(bw, "| %s |", mdEscape(r.label))
				for _, c := range r.cells {
					fmt.Fprintf(bw, " %s |", c) // numbers and brackets: no markup
				}
				bw.WriteString("\n")
			}
		}
		bw.WriteString("\n")
		for _, f := range t.footer {
			fmt.Fprintf(bw, "%s\n\n", mdEscape(f))
		}
	}
	for _, n := range rep.notes {
		fmt.Fprintf(bw, "Note: %s\n\n", mdEscape(n))
	}

	for _, f := range in.Figures {
		title := strings.TrimSuffix(path.Base(f), path.Ext(f))
		title = strings.NewReplacer("_", " ", "-", " ").Replace(title)
		fmt.Fprintf(bw, "![%s](%s)\n\n", mdEscape(title), (&url.URL{Path: f}).EscapedPath())
	}

	metrics := in.MetricsFile
	if metrics == "" {
		metrics = MetricsFile
	}
	fmt.Fprintf(bw, "## How to read this\n\n%s Every metric at every step is in [%s](%s).\n",
		mdEscape(rep.howToRead), mdEscape(metrics), (&url.URL{Path: metrics}).EscapedPath())
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write summary.md: %w", err)
	}
	return nil
}

// WriteText writes the human summary of in to w as plain text for a
// terminal: the title, the provenance, and the national rows of the
// table of WriteMarkdown (the regions' rows are in summary.md) in
// aligned columns no wider than TextWidth. Columns that do not fit
// continue in further tables, each repeating the labels.
func WriteText(w io.Writer, in ReportInput) error {
	rep, err := buildReport(in)
	if err != nil {
		return err
	}
	regional := false
	for i := range rep.tables {
		if len(rep.tables[i].blocks) > 1 {
			rep.tables[i].blocks = rep.tables[i].blocks[:1]
			regional = true
		}
	}
	if regional {
		rep.howToRead = "Figures by region are in " + ReportFile + ". " + rep.howToRead
	}
	// Labels come from the scenario: escape what could drive the
	// terminal.
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	fmt.Fprintf(bw, "%s\n\n", rep.title)
	for _, s := range []string{rep.provenance, rep.moments} {
		for _, line := range wrap(s, TextWidth) {
			fmt.Fprintf(bw, "%s\n", line)
		}
	}
	for _, t := range rep.tables {
		if t.heading != "" {
			bw.WriteString("\n")
			for _, line := range wrap(t.heading, TextWidth) {
				fmt.Fprintf(bw, "%s\n", line)
			}
		}
		writeTextTable(bw, t)
		for _, f := range t.footer {
			bw.WriteString("\n")
			for _, line := range wrap(f, TextWidth) {
				fmt.Fprintf(bw, "%s\n", line)
			}
		}
	}
	for _, n := range rep.notes {
		bw.WriteString("\n")
		for _, line := range wrap("Note: "+n, TextWidth) {
			fmt.Fprintf(bw, "%s\n", line)
		}
	}
	bw.WriteString("\n")
	for _, line := range wrap(rep.howToRead, TextWidth) {
		fmt.Fprintf(bw, "%s\n", line)
	}
	bw.Flush() // into memory: cannot fail
	if _, err := io.WriteString(w, termtext.Escape(buf.String())); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// writeTextTable writes t to bw: the label column, then the value
// columns right-aligned, in groups that fit TextWidth, each group after
// an empty line.
func writeTextTable(bw *bufio.Writer, t reportTable) {
	// The label column, then the value columns right-aligned, in groups
	// that fit TextWidth. Cells are padded here rather than by
	// text/tabwriter: the widths are needed to form the groups, and
	// tabwriter cannot right-align some columns and not others.
	const indent, gap = 2, 2
	labelW := 0
	for _, b := range t.blocks {
		labelW = max(labelW, utf8.RuneCountInString(b.heading))
		for _, r := range b.rows {
			labelW = max(labelW, indent+utf8.RuneCountInString(r.label))
		}
	}
	colW := make([]int, len(t.columns))
	for i, c := range t.columns {
		colW[i] = max(utf8.RuneCountInString(c.what), utf8.RuneCountInString(c.when))
		for _, b := range t.blocks {
			for _, r := range b.rows {
				colW[i] = max(colW[i], utf8.RuneCountInString(r.cells[i]))
			}
		}
	}
	var groups [][]int // column indices
	width := labelW
	for i := range t.columns {
		if len(groups) == 0 || width+gap+colW[i] > TextWidth {
			groups = append(groups, nil)
			width = labelW
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], i)
		width += gap + colW[i]
	}
	line := func(label string, cells func(i int) string, cols []int) {
		var b strings.Builder
		b.WriteString(label)
		b.WriteString(strings.Repeat(" ", labelW-utf8.RuneCountInString(label)))
		for _, i := range cols {
			c := cells(i)
			b.WriteString(strings.Repeat(" ", gap+colW[i]-utf8.RuneCountInString(c)))
			b.WriteString(c)
		}
		fmt.Fprintf(bw, "%s\n", strings.TrimRight(b.String(), " "))
	}
	for _, cols := range groups {
		bw.WriteString("\n")
		line("", func(i int) string { return t.columns[i].what }, cols)
		line("", func(i int) string { return t.columns[i].when }, cols)
		for _, b := range t.blocks {
			line(b.heading, func(int) string { return "" }, nil)
			for _, r := range b.rows {
				line(strings.Repeat(" ", indent)+r.label, func(i int) string { return r.cells[i] }, cols)
			}
		}
	}
}

// report is the content that WriteMarkdown and WriteText lay out.
type report struct {
	title      string
	provenance string // one sentence
	moments    string // what the columns' steps are
	howToRead  string
	// tables are the levels, then for a comparison the effects of each
	// event; notes follow them.
	tables []reportTable
	notes  []string
}

// reportTable is a table of figures: rows of labels, value columns.
type reportTable struct {
	heading string // none for the first table
	// columns are the headers of the value columns, after the labels.
	columns []reportColumn
	blocks  []reportBlock
	// footer holds sentences written under the table.
	footer []string
}

// reportColumn is a column's header: what it holds and when.
type reportColumn struct{ what, when string }

// reportBlock is a region's part of the table.
type reportBlock struct {
	region  string
	heading string
	rows    []reportRow
}

// reportRow is a figure's line: its label and one cell per value column.
type reportRow struct {
	label string
	cells []string
}

// buildReport checks in and formats its figures.
func buildReport(in ReportInput) (*report, error) {
	cfg := in.Config
	switch {
	case cfg == nil:
		return nil, fmt.Errorf("report: no scenario configuration")
	case in.Summary == nil || len(in.Summary.Moments) != 2:
		return nil, fmt.Errorf("report: no summary with the moments before and final")
	case cfg.Steps < 1:
		return nil, fmt.Errorf("report: the scenario has %d steps, want at least 1", cfg.Steps)
	case in.Baseline == nil && in.Effects != nil:
		return nil, fmt.Errorf("report: effects without a baseline")
	}
	compare := in.Baseline != nil
	baseName := in.BaselineName
	if baseName == "" {
		baseName = "baseline"
	}
	name := in.Scenario
	if name == "" {
		name = cfg.Name
	}
	rep := &report{title: name, notes: in.Notes}
	if compare {
		rep.title += " vs " + baseName
	}
	runs := in.Summary.Provenance.Runs
	before, final := &in.Summary.Moments[0], &in.Summary.Moments[1]
	last := cfg.Steps - 1
	if before.Step < 0 || before.Step > last || final.Step != last {
		return nil, fmt.Errorf("report: the summary's moments are at steps %d and %d, want steps within 0 to %d, the last one last",
			before.Step, final.Step, last)
	}
	beforeWhat, moments := momentsSentence(cfg, before.Step)
	rep.moments = moments
	rep.provenance = provenanceSentence(cfg, in.Summary.Provenance, runs, compare)
	rep.howToRead = howToRead(name, baseName, runs, compare, in.Summary.Uncertainty)
	if compare && in.EffectsNote != "" {
		rep.howToRead += " " + in.EffectsNote
	}
	// Under each table with intervals, what they are.
	noise := ""
	switch u := in.Summary.Uncertainty; {
	case runs > 1 && u != nil && u.Parameters != nil:
		noise = fmt.Sprintf("Brackets: 5th to 95th percentile of %d replicates: %s.", runs, u.Label())
	case runs > 1:
		noise = fmt.Sprintf("Brackets: sampling noise of %d replicates (5th to 95th percentile); parameter uncertainty not included.", runs)
	}

	// The level columns: the summary's moments, then for a comparison
	// the baseline's last step. Each finds a figure, or says where it
	// is missing.
	type level struct {
		find func(Key) (mean, lo, hi float64, runs int, ok bool)
		what string
	}
	moment := func(m *Moment) level {
		return level{func(k Key) (float64, float64, float64, int, bool) {
			f := m.Figure(k)
			if f == nil {
				return 0, 0, 0, 0, false
			}
			return float64(f.Mean), float64(f.P05), float64(f.P95), f.Runs, true
		}, fmt.Sprintf("summary's %s moment", m.Name)}
	}
	levels := []level{moment(before), moment(final)}
	lt := reportTable{columns: []reportColumn{
		{beforeWhat, cfg.Date(before.Step).Format(DateLayout)},
		{"end", cfg.Date(last).Format(DateLayout)},
	}}
	if compare {
		lt.columns = append(lt.columns, reportColumn{baseName + " end", cfg.Date(last).Format(DateLayout)})
		levels = append(levels, level{func(k Key) (float64, float64, float64, int, bool) {
			r, ok := in.Baseline.Lookup(last, k)
			if !ok {
				return 0, 0, 0, 0, false
			}
			return r.Mean, r.P05, r.P95, r.Runs, true
		}, fmt.Sprintf("%s table at step %d", baseName, last)})
	}
	for _, k := range HeadlineKeys(cfg) {
		row := reportRow{label: k.Label(cfg)}
		for _, l := range levels {
			mean, lo, hi, runs, ok := l.find(k)
			if !ok {
				return nil, fmt.Errorf("report: the %s has no %s", l.what, k)
			}
			row.cells = append(row.cells, fmtLevel(k.Metric, mean, lo, hi, runs > 1))
		}
		lt.add(cfg, k.Region, row)
	}
	if noise != "" {
		lt.footer = append(lt.footer, noise)
	}
	if !compare {
		if c := runCaveat(cfg, in.Summary.Provenance, name, beforeWhat); c != "" {
			lt.footer = append(lt.footer, c)
		}
	}
	rep.tables = append(rep.tables, lt)

	// The effects: a table per event, in the order of the rows, with a
	// column per horizon.
	type effectKey struct {
		event   int
		horizon string
		key     Key
	}
	var events []int
	horizons := map[int][]string{}
	dates := map[int][]string{}
	effects := map[effectKey]*EffectRow{}
	for i := range in.Effects {
		e := &in.Effects[i]
		if !slices.Contains(events, e.Event) {
			events = append(events, e.Event)
		}
		if !slices.Contains(horizons[e.Event], e.Horizon) {
			horizons[e.Event] = append(horizons[e.Event], e.Horizon)
			dates[e.Event] = append(dates[e.Event], e.Date.Format(DateLayout))
		}
		effects[effectKey{e.Event, e.Horizon, e.Key}] = e
	}
	for _, ev := range events {
		if ev < 0 || ev >= len(cfg.Events) {
			return nil, fmt.Errorf("report: effects of event %d, but the scenario has %d events", ev, len(cfg.Events))
		}
		et := reportTable{heading: "Effect of " + EventLabel(cfg, ev)}
		for i, h := range horizons[ev] {
			et.columns = append(et.columns, reportColumn{"+" + h, dates[ev][i]})
		}
		for _, k := range EventKeys(cfg, ev) {
			row := reportRow{label: k.Label(cfg)}
			for _, h := range horizons[ev] {
				e, ok := effects[effectKey{ev, h, k}]
				if !ok {
					return nil, fmt.Errorf("report: the effects table has no %s at horizon %s after %s", k, h, EventName(cfg, ev))
				}
				row.cells = append(row.cells, fmtEffect(k.Metric, e.Effect, e.Lo, e.Hi, e.Runs > 1))
			}
			et.add(cfg, k.Region, row)
		}
		foot := fmt.Sprintf("Effects are %s minus %s at the step holding each date; horizons count from %s, the event's date.",
			name, baseName, cfg.Events[ev].Date.Format(DateLayout))
		if noise != "" {
			foot += " " + noise
		}
		et.footer = append(et.footer, foot)
		// What share of the headline effect's variance the parameter
		// sets explain, when the comparison ran with them.
		if keys := EventKeys(cfg, ev); len(keys) > 0 {
			var parts []string
			for _, h := range horizons[ev] {
				if e := effects[effectKey{ev, h, keys[0]}]; e != nil && e.ParameterShare != nil {
					parts = append(parts, fmt.Sprintf("+%s %.0f%%", h, 100**e.ParameterShare))
				}
			}
			if len(parts) > 0 {
				et.footer = append(et.footer, fmt.Sprintf("Share of the variance of the effect on %s from the parameter sets (law of total variance;"+
					" the rest is sampling noise): %s.", keys[0].Label(cfg), strings.Join(parts, ", ")))
			}
		}
		rep.tables = append(rep.tables, et)
	}
	return rep, nil
}

// add appends row to the block of region, which it starts if the last
// block is another region's.
func (t *reportTable) add(cfg *sim.Config, region string, row reportRow) {
	if len(t.blocks) == 0 || t.blocks[len(t.blocks)-1].region != region {
		t.blocks = append(t.blocks, reportBlock{region: region, heading: regionLabel(cfg, region)})
	}
	b := &t.blocks[len(t.blocks)-1]
	b.rows = append(b.rows, row)
}

// runCaveat warns, under the table of a run (not a comparison) whose
// scenario has events, that the change from the column first (before or
// start) to "end" is not the events' effect, and says which command
// measures it; "" for a scenario without events.
func runCaveat(cfg *sim.Config, p Provenance, name, first string) string {
	evs := EffectEvents(cfg)
	if len(evs) == 0 {
		return ""
	}
	labels := make([]string, len(evs))
	for i, ev := range evs {
		labels[i] = EventLabel(cfg, ev)
	}
	what := "the event (" + labels[0] + ")"
	if len(evs) > 1 {
		what = "the events (" + strings.Join(labels, "; ") + ")"
	}
	arg := name
	if f, ok := strings.CutPrefix(p.ScenarioFile, "builtin:"); ok {
		arg = f
	} else if p.ScenarioFile != "" {
		arg = p.ScenarioFile
	}
	return fmt.Sprintf("The change from %q to \"end\" is not the effect of %s: part of it would have happened without it."+
		" The effect comes from \"interopsim compare %s\", which subtracts a baseline without the acceptance events, replicate by replicate.", first, what, arg)
}

// momentsSentence returns the name of the column before the first event
// ("before", or "start" when the event takes effect from the first step
// or there is none) and a sentence saying which steps the columns hold.
func momentsSentence(cfg *sim.Config, before int) (what, sentence string) {
	last := cfg.Steps - 1
	end := fmt.Sprintf(`"end" is %s, the last step.`, stepPhrase(cfg, last))
	i := firstAccept(cfg)
	if i < 0 {
		return "start", fmt.Sprintf(`"start" is %s, the first step: the scenario has no acceptance event; %s`, stepPhrase(cfg, 0), end)
	}
	e := cfg.Events[i]
	event := fmt.Sprintf("%s accepts %s from %s", entityLabel(cfg, nameAt(platformNames(cfg), e.Platform)),
		entityLabel(cfg, nameAt(methodNames(cfg), e.Method)), e.Date.Format(DateLayout))
	switch {
	case !cfg.Start.Before(e.Date):
		return "start", fmt.Sprintf(`"start" is %s, the first step: %s, from the start; %s`, stepPhrase(cfg, 0), event, end)
	case !e.Date.Before(cfg.End()):
		return "before", fmt.Sprintf(`"before" is %s, the last step: %s, after the horizon.`, stepPhrase(cfg, before), event)
	}
	return "before", fmt.Sprintf(`"before" is %s, the last step before %s; %s`, stepPhrase(cfg, before), event, end)
}

// stepPhrase names step n for people: "the week of 2024-03-11".
func stepPhrase(cfg *sim.Config, n int) string {
	d := cfg.Date(n).Format(DateLayout)
	switch cfg.Step {
	case sim.Week:
		return "the week of " + d
	case sim.Month:
		return "the month from " + d
	}
	return d
}

// provenanceSentence says in one sentence how the figures were made.
func provenanceSentence(cfg *sim.Config, p Provenance, runs int, compare bool) string {
	var b strings.Builder
	if runs <= 1 {
		b.WriteString("One run")
	} else {
		fmt.Fprintf(&b, "%d replicates", runs)
	}
	if compare {
		b.WriteString(" of each scenario over ")
	} else {
		b.WriteString(" of ")
	}
	unit := map[sim.StepUnit]string{sim.Day: "daily", sim.Week: "weekly", sim.Month: "monthly"}[cfg.Step]
	steps := "steps"
	if cfg.Steps == 1 {
		steps = "step"
	}
	fmt.Fprintf(&b, "%d %s %s from %s to %s, seed %d", cfg.Steps, unit, steps,
		cfg.Start.Format(DateLayout), cfg.End().AddDate(0, 0, -1).Format(DateLayout), p.Seed)
	agents := p.Agents
	if agents == 0 {
		agents = cfg.Agents()
	}
	fmt.Fprintf(&b, ", %s agents", thousands(agents))
	switch p.Engine {
	case "":
	case sim.AgentBased.String():
		b.WriteString(", agent-based engine")
	case sim.MeanField.String():
		b.WriteString(", mean-field engine")
	case sim.Counts.String():
		b.WriteString(", count engine")
	default:
		fmt.Fprintf(&b, ", %s engine", p.Engine)
	}
	if p.Version != "" {
		fmt.Fprintf(&b, ", interopsim version %s", p.Version)
	}
	b.WriteString(".")
	return b.String()
}

// howToRead explains the figures, their intervals and the effects.
func howToRead(name, baseName string, runs int, compare bool, u *Uncertainty) string {
	s := "Shares are in percent: of people for adoption, of orders for payment shares, of purchase value " +
		"for GMV shares, in the step; lost sales are orders in the step (k thousand, M million, bn billion)."
	switch {
	case runs > 1 && u != nil && u.Parameters != nil:
		s += fmt.Sprintf(" Each figure is the mean over %d replicates, with the 5th to 95th percentile across them in brackets:"+
			" replicate r ran with parameter set r mod %d, so they include %s.", runs, u.Parameters.Draws, u.Label())
	case runs > 1:
		s += fmt.Sprintf(" Each figure is the mean over %d replicates, with the 5th to 95th percentile across them in brackets:"+
			" they show how much replicates differ, not how uncertain the model's parameters are.", runs)
	default:
		s += " The figures come from one run, so they carry no interval."
	}
	if compare {
		s += fmt.Sprintf(" An effect is %s minus %s, replicate by replicate, at the step holding the date shown,"+
			" in percentage points (pp) for shares; each event's horizons count from that event's date."+
			" Both ran with the same seed and the same random numbers"+
			" (common random numbers), so they agree until the first event and the difference measures the events, not noise", name, baseName)
		if runs > 1 {
			s += fmt.Sprintf("; its brackets are the 5th to 95th percentile of the %d paired differences.", runs)
		} else {
			s += "."
		}
	}
	return s
}

// isShare reports whether metric is a share (a fraction in [0,1]).
func isShare(metric string) bool {
	for _, m := range sim.Metrics {
		if m.Name == metric {
			return m.Unit == "share"
		}
	}
	return false
}

// fmtLevel formats a figure: a share as a percentage with one decimal
// ("41.2%"), a count in thousands, millions, ... ("3.1 M"), followed with
// interval by its 5th to 95th percentile in brackets.
func fmtLevel(metric string, mean, lo, hi float64, interval bool) string {
	return fmtFigure(metric, mean, lo, hi, interval, false)
}

// fmtEffect formats an effect, signed: a share's in percentage points
// ("+8.1 pp [+7.6, +8.6]"), a count's as fmtLevel does.
func fmtEffect(metric string, mean, lo, hi float64, interval bool) string {
	return fmtFigure(metric, mean, lo, hi, interval, true)
}

func fmtFigure(metric string, mean, lo, hi float64, interval, signed bool) string {
	if math.IsNaN(mean) {
		return "n/a"
	}
	var s string
	div := 1.0
	if isShare(metric) {
		div = 0.01
		s = decimal(mean/div, signed)
		if signed {
			s += " pp"
		} else {
			s += "%"
		}
	} else {
		big := math.Abs(mean)
		if interval {
			big = max(big, math.Abs(lo), math.Abs(hi))
		}
		var suffix string
		for _, u := range []struct {
			div    float64
			suffix string
		}{{1e12, " tn"}, {1e9, " bn"}, {1e6, " M"}, {1e3, " k"}} {
			if big >= u.div {
				div, suffix = u.div, u.suffix
				break
			}
		}
		s = decimal(mean/div, signed) + suffix
	}
	if interval {
		s += " [" + decimal(lo/div, signed) + ", " + decimal(hi/div, signed) + "]"
	}
	return s
}

// decimal formats v with one decimal, never as "-0.0", and with signed a
// plus sign when it is positive.
func decimal(v float64, signed bool) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	if signed && s != "0.0" && s[0] != '-' {
		s = "+" + s
	}
	return s
}

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mdEscape escapes the characters that markdown would read as markup in
// text from a scenario (names, labels, descriptions).
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "`", "\\`",
).Replace

// wrap breaks s into lines of at most width characters, between words;
// a word longer than width has a line of its own.
func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
