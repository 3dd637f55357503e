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
// it; Options.NoTitle leaves both out, for papers that give them in
// captions), a dashed vertical line at each event, and legends outside
// the data areas. Events on the same date share one line and one label,
// their labels joined by "; " (a label repeated on a date is given
// once); a promotion with an end also shades its span. Labels that do
// not fit are numbered above the first row of panels, with a key under
// the figure giving each date (and a promotion's last day).
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
// (the plotting area inside the axes) keeps a minimum height, 15% of the
// width (2.4 cm at 16 cm), or half its own width if less. With
// Options.Height zero, each figure is as tall as its data areas, drawn
// 0.6 of their width tall (at most 37.8% of the width), and its text
// need, but no taller than 1.25 times its width (16 by 20 cm, a journal's
// text block) as long as its data areas keep their minimum there; a
// figure with more text than that leaves room for (six regions, six events
// and a band note) keeps the minimum and is taller. With Options.Height
// set, every figure is exactly Width by Height, or Figures returns a
// *SizeError naming the least height that fits. Panels go in a grid
// chosen from their number and the space: at most PrintWidth / 2.8 cm
// columns (3), the fewest columns whose figure is no taller than wide
// (else no taller than 1.25 times wide, else the shortest), and cells
// left empty at the end of the last row only when they hold the shared
// legend. Tick labels are drawn on the outer panels only (the bottom row's
// dates; the left column's 0-100 of shares); panel titles wrap. Legends go
// in as many columns as fit; a comparison's key to scenario and baseline
// lines goes under the grid, across the figure (the other entries may go
// in its empty cells), in rows of its own when that saves rows, and the
// subtitle then leaves out the scenario's name, which the key gives.
//
// Each curve is the Mean of the table; when it summarises several runs,
// over a shaded band from the 5th to the 95th percentile (P05 to P95, a
// Band plotter). Every figure that draws a band says under it, in a note
// that Options.NoTitle keeps, what the band is: "Lines: means; bands:
// 5th–95th percentile of N replicates — Monte Carlo sampling noise only;
// parameter uncertainty not included.", or with Options.Uncertainty
// naming parameter draws, its Label ("sampling noise and parameter
// uncertainty (20 parameter draws of ...)"). With Options.Baseline (a
// counterfactual's StatTable) the figures compare: the baseline is drawn
// with its series' own colour, pattern and width, pale (40% opacity), over
// a lighter band of its own when it has several runs, where it differs
// from the scenario, and the legend names the scenario (dark) and the
// baseline (pale). A line pattern thus always means a method, platform or
// region, never "baseline".
//
// The y axis of a count panel (lost sales, sign-ups) is set by its
// values after the start-up: when the first 10% of the steps (before the
// first event) hold a peak more than 1.5 times the largest value after
// them, the axis leaves the peak out, the lines run off its top, and a
// note gives the peak. A robust range (a percentile of all values) is not
// used, as it would also cut real peaks such as a promotion's. The
// sign-ups panel draws at most the six largest combinations of method and
// platform, and its note says what share of sign-ups they hold.
//
// PNG files carry their resolution (a pHYs chunk, from Options.DPI) and
// tEXt chunks (Figure.Text: title, scenario, and Options.Seed and
// Options.Version when set); PDF files a fixed date. The same figure
// always gives the same bytes.
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
