package plots

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/sim"
)

// Defaults of Options' zero fields.
const (
	DefaultWidth      = 16 * vg.Centimeter
	DefaultPrintWidth = 8.5 * vg.Centimeter
	DefaultDPI        = 300
)

// Formats lists the file formats Save writes.
var Formats = []string{"png", "svg", "pdf"}

// Options choose what Figures draws and how Save writes it. The zero value
// draws everything at the default sizes as PNG.
type Options struct {
	// Formats are the file formats to write, among Formats; nil means
	// png.
	Formats []string
	// Width is the width of every figure; zero means DefaultWidth.
	// Height, if not zero, is the height of every figure: the figures
	// are exactly Width by Height, or Figures fails with a *SizeError
	// naming the least height at which they fit (every data area at
	// least 15% of Width tall, or half its own width if less). Zero
	// means a height of its own for each figure: its data areas 0.6 of
	// their width tall (at most 37.8% of Width) plus its text, at most
	// 1.25 times Width (16 by 20 cm at the default width, a journal's
	// text block) as long as the data areas keep their minimum there.
	// The panels' grid is chosen to fit (see Figures).
	Width, Height vg.Length
	// PrintWidth is the width at which the figures will be printed; zero
	// means DefaultPrintWidth, one journal column. Every font, line and
	// gap scales with Width/PrintWidth so that printed at PrintWidth no
	// text is smaller than 8 pt and lines are at least 0.7 pt wide.
	PrintWidth vg.Length
	// DPI is the resolution of PNG files; zero means DefaultDPI.
	DPI int
	// Regions, Metrics, Methods and Platforms keep only the named
	// entities (by Name, as in the table; output.AllRegions for the
	// whole country); empty keeps all. A figure is drawn when one of its
	// metrics is kept; regions select panels and lines.
	Regions, Metrics, Methods, Platforms []string
	// Baseline, if not nil, is a counterfactual of the same scenario
	// (for example without the acceptance events) over the same period:
	// every series also found in it is drawn again from it, its mean in
	// the series' own colour, pattern and width but pale and, when it
	// summarises two or more runs, over a lighter band of its own. The
	// legend tells the scenario (dark) from the baseline (pale) by name.
	// EffectFigures takes no baseline.
	Baseline *output.StatTable
	// BaselineName names the counterfactual in legends; empty means
	// "counterfactual".
	BaselineName string
	// NoTitle leaves out every figure's title and subtitle, for papers,
	// which give them in captions. Panel titles, legends and notes (what
	// the bands show, the event key) stay.
	NoTitle bool
	// Figures keeps only the figures named (as in Names and EffectNames);
	// empty keeps all. Figures and EffectFigures return no figure and no
	// error when none of the figures named is drawn (none of theirs, or
	// none with data after filtering).
	Figures []string
	// Uncertainty says what the replicates' bands include, for the note
	// under every figure that draws one (see output.Uncertainty.Label);
	// nil means Monte Carlo sampling noise only.
	Uncertainty *output.Uncertainty
	// Seed and Version, when not empty, are written into every PNG file
	// (tEXt chunks "Seed" and "Software", the latter as "interopsim
	// <Version>"), after its title and scenario.
	Seed, Version string
}

func (o Options) withDefaults() Options {
	if len(o.Formats) == 0 {
		o.Formats = []string{"png"}
	}
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.PrintWidth == 0 {
		o.PrintWidth = DefaultPrintWidth
	}
	if o.DPI == 0 {
		o.DPI = DefaultDPI
	}
	if o.BaselineName == "" {
		o.BaselineName = "counterfactual"
	}
	return o
}

func (o Options) check() error {
	var errs []error
	for _, f := range o.Formats {
		if !slices.Contains(Formats, f) {
			errs = append(errs, fmt.Errorf("format %q (valid: %s)", f, strings.Join(Formats, ", ")))
		}
	}
	if o.Width < 0 || o.Height < 0 || o.PrintWidth < 0 {
		errs = append(errs, fmt.Errorf("negative size"))
	}
	if o.DPI < 0 {
		errs = append(errs, fmt.Errorf("dpi must be positive, got %d", o.DPI))
	}
	return errors.Join(errs...)
}

// Figure is one drawn figure, ready to be written in any format.
type Figure struct {
	// Name is the file name without extension, such as "adoption".
	Name string
	// Title is the figure's title as drawn.
	Title string
	// Width and Height are the figure's size.
	Width, Height vg.Length
	// Draw draws the figure on a canvas of Width by Height.
	Draw func(c draw.Canvas)
	// Text is written into PNG files, a tEXt chunk each, in this order:
	// Title, Scenario, then Seed and Software when Options set them.
	Text []PNGText
}

// WriterTo returns the figure rendered in format ("png", "svg" or "pdf";
// dpi is used by png only). A PNG file carries its resolution (a pHYs
// chunk of dpi), so that word processors and LaTeX insert it at its
// physical size, and f.Text in tEXt chunks; no time stamp, so the same
// figure gives the same bytes.
func (f Figure) WriterTo(format string, dpi int) (io.WriterTo, error) {
	var (
		c  vg.CanvasSizer
		wt io.WriterTo
	)
	switch format {
	case "png":
		if dpi <= 0 {
			dpi = DefaultDPI
		}
		img := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(dpi))
		c, wt = img, pngWriter{img: img, dpi: dpi, text: f.Text}
	case "svg":
		svg := vgsvg.NewWith(vgsvg.UseWH(f.Width, f.Height), vgsvg.EmbedFonts(true))
		c, wt = svg, svg
	case "pdf":
		pdf := vgpdf.New(f.Width, f.Height)
		c, wt = pdf, pdf
	default:
		return nil, fmt.Errorf("format %q (valid: %s)", format, strings.Join(Formats, ", "))
	}
	f.Draw(draw.New(c))
	return wt, nil
}

// pngWriter encodes a drawn image as PNG with a pHYs and tEXt chunks.
type pngWriter struct {
	img  *vgimg.Canvas
	dpi  int
	text []PNGText
}

func (p pngWriter) WriteTo(w io.Writer) (int64, error) {
	data, err := encodePNG(p.img.Image(), p.dpi, p.text)
	if err != nil {
		return 0, err
	}
	n, err := w.Write(data)
	return int64(n), err
}

// File is a figure rendered in one format.
type File struct {
	// Name is the file's name: <figure>.<format>, such as "adoption.png".
	Name string
	// Data is the file's content.
	Data []byte
}

// PDF files carry creation and modification dates and, unless told to
// sort it, a catalog in map order. Fix all three so that the same figure
// always gives the same bytes, as reproducible builds do with
// SOURCE_DATE_EPOCH. These are fpdf's process-wide defaults; this package
// is the program's only writer of PDF.
func init() {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	fpdf.SetDefaultCreationDate(epoch)
	fpdf.SetDefaultModificationDate(epoch)
	fpdf.SetDefaultCatalogSort(true)
}

// Render renders every figure in every format of opt (only opt.Formats
// and opt.DPI matter: Figures fixed the sizes) and returns the files in
// the order of figs, then of opt.Formats. Figures are drawn concurrently,
// one goroutine per figure up to workers (0 means GOMAXPROCS); each
// writes into its own slots, so the result does not depend on workers.
// When ctx ends, no further figure or format is started and Render
// returns ctx's error once those under way are done.
func Render(ctx context.Context, figs []Figure, opt Options, workers int) ([]File, error) {
	opt = opt.withDefaults()
	if err := opt.check(); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nf := len(opt.Formats)
	files := make([]File, len(figs)*nf)
	errs := make([]error, len(figs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(figs)) {
		wg.Go(func() {
			// A Figure's Draw is not safe for concurrent use: each figure
			// is drawn by one goroutine, in every format in turn.
			for i := range next {
				for j, format := range opt.Formats {
					if ctx.Err() != nil {
						break
					}
					name := figs[i].Name + "." + format
					wt, err := figs[i].WriterTo(format, opt.DPI)
					var buf bytes.Buffer
					if err == nil {
						_, err = wt.WriteTo(&buf)
					}
					if err != nil {
						errs[i] = fmt.Errorf("plots: %s: %w", name, err)
						break
					}
					files[i*nf+j] = File{Name: name, Data: buf.Bytes()}
				}
			}
		})
	}
	for i := range figs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return files, nil
}

// Save writes every figure in every format of opt to dir/<name>.<format>,
// creating dir if needed, and returns the paths written. Only opt.Formats
// and opt.DPI matter here: Figures fixed the sizes. Figures are rendered
// as by Render, then each file is written to a temporary file in dir and
// renamed into place, so a reader never sees a partial figure.
func Save(dir string, figs []Figure, opt Options) ([]string, error) {
	files, err := Render(context.Background(), figs, opt, 0)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	var paths []string
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if err := writeAtomic(path, bytes.NewReader(f.Data)); err != nil {
			return paths, fmt.Errorf("plots: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// Names returns the names of the figures Figures draws, in its order.
func Names() []string { return specNames(figureSpecs) }

// EffectNames returns the names of the figures EffectFigures draws, in
// its order.
func EffectNames() []string { return specNames(effectSpecs) }

func specNames(specs []figureSpec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return names
}

// Metrics returns the metrics the figures draw (names of sim.Metrics),
// in the order of Names; the others are never drawn.
func Metrics() []string {
	var ms []string
	for _, s := range figureSpecs {
		for _, m := range s.metrics {
			if !slices.Contains(ms, m) {
				ms = append(ms, m)
			}
		}
	}
	return ms
}

// writeAtomic writes wt to a temporary file beside path and renames it to
// path; on error it removes the temporary file.
func writeAtomic(path string, wt io.WriterTo) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = wt.WriteTo(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// Figures returns the figures of a run's or an ensemble's table:
// adoption, payment-shares, headline, platform-shares, lost-sales and
// multihoming, in that order, leaving out those whose metrics opt filters
// out or the table lacks. cfg is the scenario that produced st (a single
// run's table is output.Summarize of it); scenarioName is shown in every
// subtitle. Each curve is the Mean; when st.Runs > 1, over a shaded band
// from P05 to P95: the subtitles say "mean of N runs", and a note under
// each figure what the band is (Monte Carlo spread only). With
// opt.Baseline, the figures show the scenario against the baseline. With
// opt.Height set, every figure is opt.Width by opt.Height or Figures
// returns a *SizeError naming the least height that fits them all.
func Figures(st *output.StatTable, cfg *sim.Config, scenarioName string, opt Options) ([]Figure, error) {
	return drawFigures(figureSpecs, st, cfg, scenarioName, "", opt)
}

// drawFigures builds the figures of specs from st; effect, if not empty, makes
// them effect figures (see EffectFigures).
func drawFigures(specs []figureSpec, st *output.StatTable, cfg *sim.Config, scenarioName, effect string, opt Options) ([]Figure, error) {
	if st == nil || cfg == nil {
		return nil, errors.New("plots: nil table or config")
	}
	opt = opt.withDefaults()
	if err := opt.check(); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	if len(st.Rows) == 0 {
		return nil, errors.New("plots: empty table")
	}
	if opt.Baseline != nil && len(opt.Baseline.Rows) == 0 {
		return nil, errors.New("plots: empty baseline table")
	}
	if len(opt.Figures) > 0 {
		specs = slices.DeleteFunc(slices.Clone(specs), func(s figureSpec) bool { return !slices.Contains(opt.Figures, s.name) })
		if len(specs) == 0 {
			return nil, nil
		}
	}
	var metrics []string
	for _, s := range specs {
		metrics = append(metrics, s.metrics...)
	}
	b, err := newBuilder(st, cfg, scenarioName, opt, metrics)
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	b.effect = effect
	var figs []Figure
	var tooSmall *SizeError
	for _, spec := range specs {
		if !b.wantAny(spec.metrics...) {
			continue
		}
		l := spec.build(b)
		if l == nil || len(l.panels) == 0 {
			continue
		}
		f, err := b.figure(spec.name, l)
		if se, ok := err.(*SizeError); ok {
			if tooSmall == nil {
				tooSmall = se
			} else {
				tooSmall.Figures = append(tooSmall.Figures, se.Figures...)
				tooSmall.MinHeight = max(tooSmall.MinHeight, se.MinHeight)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("plots: %s: %w", spec.name, err)
		}
		figs = append(figs, f)
	}
	if tooSmall != nil {
		return nil, tooSmall
	}
	if len(figs) == 0 && len(opt.Figures) > 0 {
		return nil, nil // the figures named are not drawn with these filters
	}
	if len(figs) == 0 {
		return nil, errors.New("plots: no figure has data after filtering")
	}
	return figs, nil
}
