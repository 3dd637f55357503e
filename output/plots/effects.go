package plots

import (
	"errors"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// effectSpecs lists the effect figures in the order EffectFigures
// returns them, with the metrics each one draws. They share their
// builders with the figures of the same data; b.effect switches them to
// effects.
var effectSpecs = []figureSpec{
	{"effect-headline", []string{"payment_share"}, (*builder).headline},
	{"effect-platform-shares", []string{"gmv_share"}, (*builder).platformShares},
	{"effect-adoption", []string{"adoption"}, (*builder).adoption},
	{"effect-lost-sales", []string{"lost_sales"}, (*builder).effectLostSales},
}

// EffectFigures returns the figures of a counterfactual comparison:
// effects is the distribution over paired replicates of the differences
// scenario minus baseline (each replicate of the scenario minus the
// baseline's replicate of the same seed), and cfg the scenario's
// configuration,
// whose events are marked. The figures, in this order, leaving out those
// whose metrics opt filters out or effects lacks:
//
//   - effect-headline: the effect on the methods' shares of payments on
//     the platform of the first Accept event (as in the headline figure);
//   - effect-platform-shares: on GMV shares by platform, the whole
//     country and a panel per region;
//   - effect-adoption: on the share of people holding each method, the
//     whole country and a panel per region;
//   - effect-lost-sales: on lost sales per step by platform.
//
// Each curve is the mean effect; with effects.Runs > 1 over a shaded band
// from the 5th to the 95th percentile of the paired differences (the 90%
// interval across replicates), on an axis that takes in negative values,
// with a line at zero. Shares are in percentage points, counts in their
// unit (thousands or millions when large).
//
// comparison names what is compared, such as "flagship minus
// flagship-no-events"; every subtitle starts "Effect of the events
// (<comparison>) on the ...". Empty means "<cfg.Name> minus
// <opt.BaselineName>".
// opt.Baseline must be nil: the baseline is already subtracted.
func EffectFigures(effects *output.StatTable, cfg *sim.Config, comparison string, opt Options) ([]Figure, error) {
	if opt.Baseline != nil {
		return nil, errors.New("plots: effect figures take no baseline table: the effects are already differences from it")
	}
	if cfg == nil {
		return nil, errors.New("plots: nil config")
	}
	if comparison == "" {
		comparison = cfg.Name + " minus " + opt.withDefaults().BaselineName
	}
	return drawFigures(effectSpecs, effects, cfg, cfg.Name, comparison, opt)
}

// effectLostSales: the effect on lost sales per step by platform, in the
// focus region.
func (b *builder) effectLostSales() *layout {
	r, ok := b.focusRegion()
	if !ok {
		return nil
	}
	per := "per " + b.cfg.Step.String()
	l := b.newLayout("Effect on lost sales",
		"Number of checkouts abandoned because the shopper holds no accepted method, "+per+", by platform, "+b.scope(r))
	pn := &panel{signed: true}
	for _, p := range b.platforms {
		if s, ok := b.series(r, "lost_sales", b.cfg.Platforms[p].Name, b.platformLabel(p), b.platformColor[p], p, 1); ok {
			pn.series = append(pn.series, s)
		}
	}
	if len(pn.series) == 0 {
		return l
	}
	switch unit := b.scaleCounts(pn); unit {
	case "":
		pn.yLabel = "Effect (lost sales " + per + ")"
	default:
		pn.yLabel = "Effect (" + unit[2:len(unit)-1] + " of lost sales " + per + ")"
	}
	l.panels = append(l.panels, pn)
	l.legend = b.legendFor(pn)
	return l
}
