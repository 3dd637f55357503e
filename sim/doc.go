// Package sim is the engine of interopsim: an agent-based model of
// shoppers choosing payment methods and e-commerce platforms, a count
// engine with the same law, and its exact mean-field limit.
//
// A Config describes the world (regions and their segments, payment
// methods, platforms, other payment channels, behaviour parameters and
// dated events: acceptance changes, promotions, adoption campaigns and
// parameter changes, the last three optionally for some regions only;
// methods may launch after the start and regions grow); Run
// simulates it from a seed and returns a Result holding one Tally per
// step, from which Measures derives every metric of ../docs/model.md.
// The package is pure: it reads no file, prints nothing and never looks at
// the clock, so the same Config, seed and Settings.Run always give the
// same Result, whatever Settings.Workers is.
//
// Each agent's state is a small integer (the methods it holds, what the
// checkouts remember and the platform it last bought from), one byte for
// up to 256 states, else two. Every step the engine tabulates, for each
// occupied state, the ordered distribution of joint outcomes (adoption,
// then shopping, platform and payment choice) given the regional
// aggregates; an agent then draws one counter-based random number, keyed
// by (seed, run, step, agent index), and looks its outcome up. The
// MeanField engine moves the expected number of people in each state
// through the same distributions, adoption then purchase; the Counts
// engine moves the number of agents in each state by exact multinomial
// draws through the same two stages, at a cost that does not grow with
// the agents.
//
// A minimal use:
//
//	res, err := sim.Run(cfg, 1, nil)
//	if err != nil {
//		return err
//	}
//	for _, m := range res.Measures(len(res.Steps)-1, -1) {
//		fmt.Println(m.Metric, m.Entity, m.Value)
//	}
package sim
