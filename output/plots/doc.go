// Package plots draws the figures of a simulation's table, ready to drop
// into a paper unchanged.
//
// Figures turns an output.StatTable (a single run's table through
// output.Summarize, or an ensemble's statistics) and the scenario's
// sim.Config into six figures: adoption (share of people holding each method, a panel per
// region), payment-shares (share of transactions by method, overall and
// per platform), headline (the methods' shares of payments on the
// platform of the first acceptance event, such as WeChat Pay and Alipay on
// Taobao/Tmall), platform-shares (GMV share by platform, per region),
// lost-sales (lost checkouts and sign-ups at checkout, counts per step)
// and multihoming (share holding two or more methods, a line per region).
// Render draws them in PNG, SVG or PDF to bytes, a goroutine per figure,
// for the caller to write (the CLI writes them with a run's other files,
// all or none); Save writes each to a file, atomically. Names and Metrics
// list the figures and the metrics they draw.
//
// Every figure has calendar dates on its x axis, percent (or counts, with
// their unit) on its y axis, a title and a subtitle naming the scenario
// (in a comparison, the legend's key to scenario and baseline lines names
// it), a dashed vertical line at each event, and legends outside the data
// areas.
// A method or platform keeps the same colour and line pattern in every
// figure: its Color if set, else the Okabe-Ito palette by declaration
// order; regions use Paul Tol's muted palette. Line patterns differ too,
// so figures survive greyscale printing. Missing values (NaN) break lines.
//
// Sizes are physical: fonts and lines scale with Options.Width /
// Options.PrintWidth so that a figure printed one column wide (8.5 cm by
// default) has text of at least 8 pt (ticks and legends 8 pt, axis labels
// and subtitles 8.5 pt, panel titles 9 pt, titles 11 pt) and mean lines
// of 1.2 pt, whatever its drawn width (16 cm by default). Text uses one
// face, Liberation Sans regular, embedded in SVG and PDF files.
//
// The data must dominate, so the text never squeezes it: every data area
// (the plotting area inside the axes) has a guaranteed minimum height,
// and the figure grows to fit its text rather than shrink the data. A
// figure is nominally Options.Height high (11 cm by default), taller by
// 0.8*Height per extra row of panels, by the legends under single panels
// and by the rows of a comparison's key to scenario and baseline lines.
// Its title, subtitle, strips (y axis label and event labels), axes,
// legends and notes take the same room at any height; if what is left
// would make a data area shorter than its minimum, the figure is made
// taller by what is missing: it is then data areas plus text. The
// minimum is 55% of Height in a figure with one row of panels (the
// headline, multihoming and one-panel effect figures: 6.05 cm of the
// default 11 cm) and 30% of Height in each row of a figure with more
// (3.3 cm), but never more than 3/4 of the data area's width, so that
// narrow panels are not drawn taller than wide. Legends go in as many
// columns as fit; a comparison's key gets rows of its own when that
// saves rows, and its subtitle then leaves out the scenario's name, which
// the key gives.
//
// Each curve is the Mean of the table; when it summarises several runs,
// over a shaded band from the 5th to the 95th percentile (P05 to P95, a
// Band plotter), which the subtitle explains. With Options.Baseline (a
// counterfactual's StatTable) the figures compare: the baseline is drawn
// dotted in the same colour, over a lighter band of its own when it has
// several runs, where it differs from the scenario, and the legend names
// the scenario (solid) and the baseline (dotted).
//
// EffectFigures draws a counterfactual comparison from the StatTable of
// the paired differences, scenario minus baseline: effect-headline,
// effect-platform-shares, effect-adoption and effect-lost-sales, each
// curve the mean effect over its 5th-95th percentile band, on an axis
// that takes in negative values with a line at zero, in percentage
// points for shares. EffectNames lists them.
//
// Example:
//
//	st, err := output.Summarize(table)
//	if err != nil {
//		return err
//	}
//	figs, err := plots.Figures(st, cfg, "flagship", plots.Options{})
//	if err != nil {
//		return err
//	}
//	paths, err := plots.Save("out/plots", figs, plots.Options{Formats: []string{"png", "pdf"}})
package plots
