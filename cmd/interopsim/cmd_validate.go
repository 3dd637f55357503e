package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
	"github.com/interopsim/interopsim/sim"
)

var validateCommand = &command{
	name:  "validate",
	args:  "SCENARIO...",
	short: "check scenarios and show what they describe",
	long: `Check each SCENARIO, a scenario file or the name of a built-in scenario,
and print what was understood: horizon, regions and their agents, methods,
platforms, behaviour, dated events and the memory a run needs. Mistakes
are printed one per line, located by file, line and column. The status is
1 if any scenario is invalid.`,
	example: `interopsim validate my-world.yaml
interopsim validate scenarios/*.yaml`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts ValidateOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runValidate(ctx, opts, args, stdout, stderr)
		}
	},
}

// ValidateOptions are the flags of the validate command.
type ValidateOptions struct {
	// Quiet prints only the mistakes.
	Quiet bool
	// Sets are the --set overrides, applied to every scenario.
	Sets setFlag
	// Force accepts horizons that look like typos (see checkHorizon).
	Force bool
}

// AddFlags adds the validate command's flags to fs.
func (o *ValidateOptions) AddFlags(fs *pflag.FlagSet) {
	addSwitch(fs, &o.Quiet, "quiet", "q", "print only mistakes")
	addSwitch(fs, &o.Force, "force", "", "accept a horizon of more than 100,000 steps or 200 years, which is otherwise refused as a likely typo")
	o.Sets.register(fs)
}

// runValidate runs the validate command.
func runValidate(_ context.Context, opts ValidateOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("validate", "want at least one scenario")
	}
	invalid := 0
	for i, name := range args {
		sc, err := loadScenario(name)
		if err == nil {
			if err := opts.Sets.apply("validate", sc); err != nil {
				return err
			}
			err = checkHorizon("validate", &sc.Config, sim.AgentBased, 1, opts.Force)
		}
		if err != nil {
			invalid++
			var se *scenarioError
			if errors.As(err, &se) {
				printScenarioError(stderr, se)
			} else {
				fmt.Fprintf(stderr, "interopsim: %s\n", escapeControl(err.Error()))
			}
			continue
		}
		if opts.Quiet {
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if err := describe(stdout, sc); err != nil {
			return err
		}
		describeSweep(stdout, sc)
	}
	switch {
	case invalid == 0:
		return nil
	case len(args) == 1:
		return fmt.Errorf("scenario %s is invalid", args[0])
	case invalid == 1:
		return fmt.Errorf("1 of %d scenarios is invalid", len(args))
	}
	return fmt.Errorf("%d of %d scenarios are invalid", invalid, len(args))
}

// describe prints what sc describes, in aligned tables.
func describe(w io.Writer, sc *scenarios.Scenario) error {
	cfg := &sc.Config
	methods := make([]string, len(cfg.Methods))
	for i, m := range cfg.Methods {
		methods[i] = m.Name
	}
	platforms := make([]string, len(cfg.Platforms))
	for i, p := range cfg.Platforms {
		platforms[i] = p.Name
	}

	t := newTable(w)
	t.row("scenario", cfg.Name)
	t.row("file", scenarioSource(sc))
	if d := strings.Join(strings.Fields(sc.Description), " "); d != "" {
		t.row("description", d)
	}
	t.rowf("horizon\t%s to %s (exclusive): %d steps of a %s", cfg.Start.Format(output.DateLayout),
		cfg.End().Format(output.DateLayout), cfg.Steps, cfg.Step)
	if cfg.Warmup > 0 {
		t.rowf("warm-up\t%d steps before %s, not recorded (habits and loyalty settle; holdings stay)", cfg.Warmup, cfg.Start.Format(output.DateLayout))
	}
	t.row("seed", fmt.Sprint(sc.Seed))
	t.row("agents", fmtCount(float64(cfg.Agents())))
	if sc.Currency != "" {
		t.row("currency", sc.Currency)
	}
	if pd := sc.ParameterDraws; pd != nil && pd.Set != nil {
		method := ""
		if pd.Set.Method != "" {
			method = " (" + pd.Set.Method + ")"
		}
		t.rowf("parameter draws\t%d draws of %s from %s%s, for --param-draws K", len(pd.Set.Values), strings.Join(pd.Set.Names, ", "), pd.File, method)
	}
	mem := func(e sim.Engine) string {
		return fmtBytes(estimateMemory(cfg, e, memoryJob{runs: 1, plots: true}).total)
	}
	t.rowf("memory\tabout %s with --engine agents, %s with counts, %s with meanfield", mem(sim.AgentBased), mem(sim.Counts), mem(sim.MeanField))
	if err := t.flush(); err != nil {
		return err
	}

	// Regions, one line per segment, and a total line for a region of
	// several segments.
	fmt.Fprint(w, "\nregions\n")
	basket := "BASKET"
	if sc.Currency != "" {
		basket += " (" + sc.Currency + ")"
	}
	head := []string{"  REGION", "SEGMENT", "PEOPLE", "AGENTS", "PEOPLE/AGENT", "PURCHASES/YEAR", basket}
	for _, m := range methods {
		head = append(head, "HOLD "+m)
	}
	t.row(head...)
	for ri, r := range cfg.Regions {
		agents := 0
		for _, s := range r.Segments {
			agents += s.Agents
		}
		// Agents stand for the region's peak population (the same as
		// its population without growth).
		peak := cfg.PeakPopulation(ri)
		if len(r.Segments) > 1 {
			cells := []string{"  " + r.Name, "(all)", fmtCount(r.Population), fmtCount(float64(agents)), perAgent(peak, agents)}
			// Empty cells keep the columns of the next lines aligned.
			t.row(append(cells, make([]string, len(head)-len(cells))...)...)
		}
		for _, s := range r.Segments {
			people := r.Population * s.Share
			cells := []string{"  " + r.Name, orDash(s.Name), fmtCount(people), fmtCount(float64(s.Agents)),
				perAgent(peak*s.Share, s.Agents), fmtParam(s.ShoppingRate), fmtParam(s.Basket)}
			for m := range methods {
				h := "?"
				if m < len(s.Holdings) {
					h = fmtParam(math.Round(s.Holdings[m]*1e6) / 1e6)
				}
				cells = append(cells, h)
			}
			t.row(cells...)
		}
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, r := range cfg.Regions {
		for _, s := range r.Segments {
			if s.Wallets == nil {
				continue
			}
			var sets []string
			both := 0.0
			for w, x := range s.Wallets {
				if x > 0 {
					sets = append(sets, fmt.Sprintf("%s %.3f", scenarios.WalletName(cfg, w), x))
				}
				if len(methods) >= 2 && w&3 == 3 {
					both += x
				}
			}
			what := ""
			if len(methods) >= 2 {
				what = fmt.Sprintf(" (%s and %s both: %.3f)", methods[0], methods[1], both)
			}
			fmt.Fprintf(w, "  %s %s holds jointly%s: %s\n", r.Name, orDash(s.Name), what, strings.Join(sets, ", "))
		}
	}
	if cfg.Classes != nil {
		fmt.Fprint(w, "\npreference classes (shares of each segment's people)\n")
		head := []string{"  CLASS", "LABEL", "APPEAL SHIFTS"}
		for _, r := range cfg.Regions {
			for _, s := range r.Segments {
				head = append(head, strings.ToUpper(r.Name+" "+s.Name))
			}
		}
		t.row(head...)
		for k, c := range cfg.Classes {
			var shifts []string
			for m, x := range c.Appeal {
				if x != 0 {
					shifts = append(shifts, at(methods, m)+" "+fmtParam(x))
				}
			}
			cells := []string{"  " + c.Name, orDash(c.Label), orDash(strings.Join(shifts, ", "))}
			for _, r := range cfg.Regions {
				for _, s := range r.Segments {
					cells = append(cells, fmtParam(s.ClassShares[k]))
				}
			}
			t.row(cells...)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	for ri, r := range cfg.Regions {
		if r.Growth == nil {
			continue
		}
		var pts []string
		for _, g := range r.Growth {
			pts = append(pts, fmtCount(g.Population)+" on "+g.Date.Format(output.DateLayout))
		}
		fmt.Fprintf(w, "  %s grows to %s (peak over the horizon %s)\n", r.Name, strings.Join(pts, ", "), fmtCount(cfg.PeakPopulation(ri)))
	}

	launches := false
	for _, m := range cfg.Methods {
		launches = launches || !m.Launch.IsZero()
	}
	fmt.Fprint(w, "\nmethods (rates per year)\n")
	if launches {
		t.row("  METHOD", "LABEL", "P", "Q", "CHURN", "APPEAL", "LAUNCH")
	} else {
		t.row("  METHOD", "LABEL", "P", "Q", "CHURN", "APPEAL")
	}
	for _, m := range cfg.Methods {
		cells := []string{"  " + m.Name, orDash(m.Label), fmtParam(m.P), fmtParam(m.Q), fmtParam(m.Churn), fmtParam(m.Appeal)}
		if launches {
			cells = append(cells, "-")
			if !m.Launch.IsZero() {
				cells[len(cells)-1] = m.Launch.Format(output.DateLayout)
			}
		}
		t.row(cells...)
	}
	if err := t.flush(); err != nil {
		return err
	}

	fmt.Fprint(w, "\nplatforms\n")
	t.row("  PLATFORM", "LABEL", "APPEAL", "LOYALTY", "MEMORY", "ACCEPTS AT START")
	for _, p := range cfg.Platforms {
		var acc []string
		for m, ok := range p.Accepts {
			if ok {
				acc = append(acc, at(methods, m))
			}
		}
		accepts := strings.Join(acc, ", ")
		if accepts == "" {
			accepts = "none"
		}
		memory := "shared"
		if p.OwnMemory {
			memory = "own"
		}
		t.row("  "+p.Name, orDash(p.Label), fmtParam(p.Appeal), fmtParam(p.Loyalty), memory, accepts)
	}
	if err := t.flush(); err != nil {
		return err
	}

	if cfg.Channels != nil {
		fmt.Fprint(w, "\nchannels (payments per person per year)\n")
		t.row("  CHANNEL", "LABEL", "RATE", "VALUE", "ACCEPTS AT START")
		for _, c := range cfg.Channels {
			accepts := "what the payee holds (peer)"
			if !c.Peer {
				var acc []string
				for m, a := range c.Accepts {
					if a > 0 {
						acc = append(acc, at(methods, m)+" "+fmtParam(a))
					}
				}
				accepts = strings.Join(acc, ", ")
				if accepts == "" {
					accepts = "none"
				}
			}
			t.row("  "+c.Name, orDash(c.Label), fmtParam(c.Rate), fmtParam(c.Value), accepts)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}

	b := cfg.Behaviour
	fmt.Fprint(w, "\nbehaviour\n")
	t.row("  BETA", "KAPPA", "PSI", "GAMMA", "SWITCH_COST", "DELTA")
	t.row("  "+fmtParam(b.Beta), fmtParam(b.Kappa), fmtParam(b.Psi), fmtParam(b.Gamma), fmtParam(b.SwitchCost), fmtParam(b.Delta))
	if err := t.flush(); err != nil {
		return err
	}

	fmt.Fprint(w, "\nevents\n")
	if len(cfg.Events) == 0 {
		_, err := fmt.Fprintln(w, "  none")
		return err
	}
	t.row("  DATE", "FROM STEP", "KIND", "WHAT", "LABEL")
	for _, e := range cfg.Events {
		what := eventWhat(cfg, methods, platforms, e)
		if e.Regions != nil {
			var in []string
			for _, r := range e.Regions {
				in = append(in, cfg.Regions[r].Name)
			}
			what += " in " + strings.Join(in, ", ")
		}
		t.row("  "+e.Date.Format(output.DateLayout), firstStep(cfg, e), e.Kind.String(), what, orDash(e.Label))
	}
	return t.flush()
}

// perAgent formats the number of people each agent stands for.
func perAgent(people float64, agents int) string {
	if agents <= 0 {
		return "-"
	}
	return fmtCount(people / float64(agents))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// firstStep returns the first step that an event affects, or "after
// end" when it starts after the horizon.
func firstStep(cfg *sim.Config, e sim.Event) string {
	for n := 0; n < cfg.Steps; n++ {
		if !cfg.Date(n).Before(e.Date) {
			return fmt.Sprint(n)
		}
	}
	return "after end"
}

// at returns names[i], or a placeholder for an index out of range.
func at(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return fmt.Sprintf("#%d", i)
	}
	return names[i]
}

// eventWhat describes what an event does, in words.
func eventWhat(cfg *sim.Config, methods, platforms []string, e sim.Event) string {
	rollout := ""
	if e.RolloutDays > 0 {
		rollout = fmt.Sprintf(", rolled out over %d days", e.RolloutDays)
	}
	switch e.Kind {
	case sim.Accept:
		return fmt.Sprintf("%s accepts %s%s", at(platforms, e.Platform), at(methods, e.Method), rollout)
	case sim.StopAccepting:
		return fmt.Sprintf("%s stops accepting %s%s", at(platforms, e.Platform), at(methods, e.Method), rollout)
	case sim.Promotion:
		where := "on every platform"
		if e.Platform >= 0 {
			where = "on " + at(platforms, e.Platform)
		}
		return fmt.Sprintf("%s appeal %+g %s until %s", at(methods, e.Method), e.Shift, where, e.Until.Format(output.DateLayout))
	case sim.ChannelAcceptance:
		name := fmt.Sprintf("#%d", e.Channel)
		if e.Channel >= 0 && e.Channel < len(cfg.Channels) {
			name = cfg.Channels[e.Channel].Name
		}
		return fmt.Sprintf("%s accepts %s at %s of payments%s", name, at(methods, e.Method), fmtParam(e.Share), rollout)
	case sim.Campaign:
		return fmt.Sprintf("%s adoption p %+g, q %+g until %s", at(methods, e.Method), e.P, e.Q, e.Until.Format(output.DateLayout))
	case sim.SetParam:
		name, err := scenarios.ParamName(cfg, e.Param)
		if err != nil {
			name = err.Error()
		}
		return fmt.Sprintf("%s = %s", name, fmtParam(e.Value))
	}
	return e.Kind.String()
}
