package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"hash/crc32"
	"image"
	_ "image/png"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const handwritten = "testdata/handwritten"

// figureNames are the figures a run draws, in order.
var figureNames = []string{"adoption", "payment-shares", "headline", "platform-shares", "lost-sales", "multihoming"}

// checkPNG fails unless path is a PNG of w by h pixels.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(readFile(t, path)))
	if err != nil || format != "png" {
		t.Fatalf("%s: decode: %v, format %q; want a PNG", path, err, format)
	}
	if cfg.Width != w || cfg.Height != h {
		t.Errorf("%s: got %dx%d px, want %dx%d", path, cfg.Width, cfg.Height, w, h)
	}
}

// listFigures returns the names of the files in dir, sorted.
func listFigures(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != output.ManifestFile { // plot's record of what it wrote
			names = append(names, e.Name())
		}
	}
	return names
}

func withExt(names []string, exts ...string) []string {
	var out []string
	for _, n := range names {
		for _, e := range exts {
			out = append(out, n+"."+e)
		}
	}
	slices.Sort(out)
	return out
}

func TestRunPlots(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, "run", tiny, "--out", dir)
	if code != exitOK {
		t.Fatalf("got exit %d: %s", code, stderr)
	}
	plotsDir := filepath.Join(dir, output.PlotsDir)
	if got, want := listFigures(t, plotsDir), withExt(figureNames, "png"); !slices.Equal(got, want) {
		t.Fatalf("plots/ holds %v, want %v", got, want)
	}
	for _, n := range figureNames {
		if !strings.Contains(squash(stdout), " plots/"+n+".png ") {
			t.Errorf("report lacks plots/%s.png:\n%s", n, stdout)
		}
	}
	// 16 cm wide at 300 dpi, each as high as its data areas and text
	// need: the one-row headline and multihoming 1506 px (12.75 cm), the
	// three panels of adoption, payment-shares and platform-shares in one
	// row 1314 px (11.1 cm).
	const w, h1, h2 = 1890, 1506, 1314
	for _, n := range []string{"headline", "multihoming"} {
		checkPNG(t, filepath.Join(plotsDir, n+".png"), w, h1)
	}
	for _, n := range []string{"adoption", "payment-shares", "platform-shares"} {
		checkPNG(t, filepath.Join(plotsDir, n+".png"), w, h2)
	}

	// plot redraws them byte for byte from the files.
	again := filepath.Join(t.TempDir(), "again")
	if code, _, stderr := cli(t, "plot", dir, "--out", again, "-q"); code != exitOK {
		t.Fatalf("plot: got exit %d: %s", code, stderr)
	}
	for _, n := range figureNames {
		if !bytes.Equal(readFile(t, filepath.Join(plotsDir, n+".png")), readFile(t, filepath.Join(again, n+".png"))) {
			t.Errorf("%s.png drawn by plot differs from that of run", n)
		}
	}
	// Rendering in parallel changes no byte.
	one := filepath.Join(t.TempDir(), "one")
	if code, _, stderr := cli(t, "run", tiny, "--out", one, "--workers", "1", "-q"); code != exitOK {
		t.Fatalf("run --workers 1: got exit %d: %s", code, stderr)
	}
	for _, n := range figureNames {
		if !bytes.Equal(readFile(t, filepath.Join(plotsDir, n+".png")), readFile(t, filepath.Join(one, output.PlotsDir, n+".png"))) {
			t.Errorf("%s.png differs between --workers 1 and every core", n)
		}
	}

	// Another format replaces the figures; --no-plots removes them.
	if code, _, stderr := cli(t, "run", tiny, "--out", dir, "--format", "svg", "--format", "PDF", "-q"); code != exitOK {
		t.Fatalf("run --format svg,pdf: got exit %d: %s", code, stderr)
	}
	if got, want := listFigures(t, plotsDir), withExt(figureNames, "pdf", "svg"); !slices.Equal(got, want) {
		t.Fatalf("after --format svg,pdf plots/ holds %v, want %v", got, want)
	}
	for _, n := range figureNames {
		if b := readFile(t, filepath.Join(plotsDir, n+".svg")); !bytes.HasPrefix(b, []byte("<?xml")) || !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("%s.svg is not an SVG: %.40q", n, b)
		}
		if b := readFile(t, filepath.Join(plotsDir, n+".pdf")); !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s.pdf is not a PDF: %.10q", n, b)
		}
	}
	if err := os.WriteFile(filepath.Join(plotsDir, "mine.png"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "run", tiny, "--out", dir, "--no-plots", "--force", "-q"); code != exitOK {
		t.Fatalf("run --no-plots: got exit %d: %s", code, stderr)
	}
	if got := listFigures(t, plotsDir); !slices.Equal(got, []string{"mine.png"}) {
		t.Errorf("after --no-plots plots/ holds %v, want only the user's mine.png", got)
	}
}

func TestRunNoPlots(t *testing.T) {
	dir := runTiny(t, "--no-plots", "-q")
	checkNothingWritten(t, filepath.Join(dir, output.PlotsDir))
	if got := listNames(t, dir); got != "metrics.csv,scenario.yaml,summary.json,summary.md" {
		t.Errorf("directory holds %s, want the data files and summary.md", got)
	}
}

func TestRunBadFormat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := cli(t, "run", tiny, "--out", dir, "--format", "png,jpeg")
	want := `invalid argument "png,jpeg" for "--format" flag: unknown format "jpeg" (valid: png, svg, pdf)`
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("got exit %d, %q; want %d and %q", code, stderr, exitUsage, want)
	}
	checkNothingWritten(t, dir)
}

func TestPlotHandwritten(t *testing.T) {
	noProgress(t)
	out := filepath.Join(t.TempDir(), "figs")
	code, stdout, stderr := cli(t, "plot", handwritten, "--out", out, "--dpi", "50", "--width", "10cm", "--height", "80mm")
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, %q", code, stderr)
	}
	// The file has no lost_sales or signups: no lost-sales figure.
	want := []string{"adoption", "payment-shares", "headline", "platform-shares", "multihoming"}
	if got := listFigures(t, out); !slices.Equal(got, withExt(want, "png")) {
		t.Fatalf("wrote %v, want %v", got, withExt(want, "png"))
	}
	for _, s := range []string{"scenario tiny (testdata/handwritten/scenario.yaml)", "data 108 rows", "output " + out, " headline.png "} {
		if !strings.Contains(squash(stdout), s) {
			t.Errorf("report lacks %q:\n%s", s, stdout)
		}
	}
	// Exactly 10 cm by 8 cm at 50 dpi, one row of panels or more.
	checkPNG(t, filepath.Join(out, "headline.png"), 197, 157)
	checkPNG(t, filepath.Join(out, "adoption.png"), 197, 157)
}

func TestPlotDefaultOut(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{output.MetricsFile, output.ScenarioFile} {
		if err := os.WriteFile(filepath.Join(dir, name), readFile(t, filepath.Join(handwritten, name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := cli(t, "plot", dir, "--format", "svg", "--figures", "headline", "-q")
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("got exit %d, %q, %q; want 0 and nothing", code, stdout, stderr)
	}
	if got := listFigures(t, filepath.Join(dir, output.PlotsDir)); !slices.Equal(got, []string{"headline.svg"}) {
		t.Errorf("plots/ holds %v, want headline.svg", got)
	}
	// The figures are recorded as interopsim's: a second plot may
	// replace them, though metrics.csv and scenario.yaml are the user's.
	if code, _, stderr := cli(t, "plot", dir, "--format", "svg", "--figures", "headline", "-q"); code != exitOK {
		t.Errorf("plot again: got exit %d (%s), want 0", code, stderr)
	}
}

func TestPlotFilters(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string // figures written
	}{
		{"figures", []string{"--figures", "headline,adoption"}, []string{"adoption", "headline"}},
		{"metrics", []string{"--metrics", "gmv_share", "--metrics", "multihoming"}, []string{"multihoming", "platform-shares"}},
		{"methods", []string{"--methods", "wechat_pay", "--figures", "adoption"}, []string{"adoption"}},
		{"regions and platforms", []string{"--regions", "all,rural", "--platforms", "jd"}, []string{"adoption", "multihoming", "payment-shares", "platform-shares"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "figs")
			args := append([]string{"plot", handwritten, "--out", out, "--dpi", "30", "-q"}, tc.args...)
			if code, _, stderr := cli(t, args...); code != exitOK {
				t.Fatalf("got exit %d: %s", code, stderr)
			}
			if got := listFigures(t, out); !slices.Equal(got, withExt(tc.want, "png")) {
				t.Errorf("wrote %v, want %v", got, withExt(tc.want, "png"))
			}
		})
	}
}

func TestPlotUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no dir", nil, "want one run directory, got 0 arguments"},
		{"unitless width", []string{handwritten, "--width", "16"}, `invalid argument "16" for "--width" flag: want a number and a unit (mm, cm, in or pt), such as 16cm, 160mm, 6in or 450pt`},
		{"bad unit", []string{handwritten, "--height", "3furlongs"}, `invalid argument "3furlongs" for "--height" flag: want a number and a unit`},
		{"tiny width", []string{handwritten, "--width", "1cm"}, `invalid argument "1cm" for "--width" flag: 1cm is out of range: want from 4cm to 200cm`},
		{"dpi", []string{handwritten, "--dpi", "0"}, `invalid argument "0" for "--dpi" flag: want a whole number of dots per inch from 30 to 1200`},
		{"figure", []string{handwritten, "--figures", "headlines"}, `unknown figure "headlines" (valid: adoption, payment-shares, headline, platform-shares, lost-sales, multihoming, effect-headline, effect-platform-shares, effect-adoption, effect-lost-sales)`},
		{"metric", []string{handwritten, "--metrics", "revenue"}, `unknown metric "revenue" (valid: adoption, tx_share, payment_share, gmv_share, lost_sales, signups, multihoming)`},
		{"method", []string{handwritten, "--methods", "alipay,paypal"}, `--methods: unknown method "paypal" (valid: alipay, wechat_pay)`},
		{"region", []string{handwritten, "--regions", "tier9"}, `--regions: unknown region "tier9" (valid: all, tier1, rural)`},
		{"platform", []string{handwritten, "--platforms", "amazon"}, `--platforms: unknown platform "amazon" (valid: taobao, jd)`},
		{"nothing left", []string{handwritten, "--figures", "lost-sales"}, "--figures lost-sales: no such figure is drawn with these filters"},
		{"too many pixels", []string{handwritten, "--width", "200cm", "--dpi", "1200"}, "adoption.png would be 94488 by"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "figs")
			code, stdout, stderr := cli(t, append(append([]string{"plot"}, tc.args...), "--out", out)...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("got exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, exitUsage, tc.want)
			}
			checkNothingWritten(t, out)
		})
	}
}

// badRun writes a run directory with handwritten's scenario and the CSV
// text csv, and returns it.
func badRun(t *testing.T, csv string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, output.ScenarioFile), readFile(t, filepath.Join(handwritten, output.ScenarioFile)), 0o644); err != nil {
		t.Fatal(err)
	}
	if csv != "" {
		if err := os.WriteFile(filepath.Join(dir, output.MetricsFile), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlotBadFiles(t *testing.T) {
	const header = "run,step,date,region,metric,entity,value\n"
	const good = "0,0,2024-01-01,all,adoption,alipay,0.5\n"
	for _, tc := range []struct {
		name, csv string
		want      string // D stands for the run directory
	}{
		{"missing metrics", "", "interopsim: read metrics: open D/metrics.csv: no such file or directory"},
		{"no layout", " ", "D/metrics.csv:1: header has neither a mean nor a value column: want the columns of metrics.csv (step,date,region,metric,entity,runs,mean,sd,p05,p50,p95) or of runs.csv (run,step,date,region,metric,entity,value), in any order"},
		{"header only", header, "D/metrics.csv: no data, only a header line"},
		{"missing column", "run,step,date,region,metric,value\n0,0,2024-01-01,all,adoption,0.5\n",
			"D/metrics.csv:1: header lacks column entity (want run,step,date,region,metric,entity,value, in any order)"},
		{"bad number", header + good + "0,1,2024-01-08,all,adoption,alipay,0.5x\n",
			`D/metrics.csv:3: column value: bad number "0.5x", want a decimal number, or empty for a missing value`},
		{"bad date", header + good + "0,1,2024-13-08,all,adoption,alipay,0.5\n",
			`D/metrics.csv:3: column date: bad date "2024-13-08", want YYYY-MM-DD`},
		{"bad step", header + "0,1.5,2024-01-08,all,adoption,alipay,0.5\n",
			`D/metrics.csv:2: column step: must be a whole number, got "1.5"`},
		{"short line", header + "0,1,2024-01-08,all\n",
			`D/metrics.csv:2: has 4 fields, want at least 7 to reach every column of the header`},
		{"unknown region", header + good + "0,0,2024-01-01,tier3,adoption,alipay,0.5\n",
			`D/metrics.csv: column region: "tier3" is not a region of D/scenario.yaml (valid: all, tier1, rural), first on data row 2`},
		{"unknown method", header + good + "0,0,2024-01-01,all,adoption,paypal,0.5\n",
			`D/metrics.csv: column entity: "paypal" of metric adoption is not a method of D/scenario.yaml (valid: alipay, wechat_pay), first on data row 2`},
		{"unknown pair", header + "0,0,2024-01-01,all,payment_share,taobao/paypal,0.5\n",
			`"taobao/paypal" of metric payment_share is not a platform/method of D/scenario.yaml (valid: taobao/alipay, taobao/wechat_pay, jd/alipay, jd/wechat_pay)`},
		{"unknown metric", header + "0,0,2024-01-01,all,adopton,alipay,0.5\n",
			`D/metrics.csv: column metric: unknown metric "adopton" (valid: adoption, single_homing,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := badRun(t, tc.csv)
			code, stdout, stderr := cli(t, "plot", dir)
			want := strings.ReplaceAll(tc.want, "D/", dir+"/")
			if code != exitFailure || !strings.Contains(stderr, want) || stdout != "" {
				t.Errorf("got exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, exitFailure, want)
			}
			checkNothingWritten(t, filepath.Join(dir, output.PlotsDir))
		})
	}

	t.Run("missing scenario", func(t *testing.T) {
		dir := t.TempDir()
		code, _, stderr := cli(t, "plot", dir)
		want := "interopsim: read scenario: open " + dir + "/scenario.yaml: no such file or directory\n"
		if code != exitFailure || stderr != want {
			t.Errorf("got exit %d, %q; want %d and %q", code, stderr, exitFailure, want)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		code, _, stderr := cli(t, "plot", "testdata/nowhere")
		want := "interopsim: run directory: stat testdata/nowhere: no such file or directory\n"
		if code != exitFailure || stderr != want {
			t.Errorf("got exit %d, %q; want %d and %q", code, stderr, exitFailure, want)
		}
	})
	t.Run("invalid scenario", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, output.ScenarioFile), readFile(t, "testdata/invalid.yaml"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := cli(t, "plot", dir)
		if code != exitFailure || !strings.HasPrefix(stderr, dir+"/scenario.yaml:") {
			t.Errorf("got exit %d, %q; want %d and errors located in scenario.yaml", code, stderr, exitFailure)
		}
	})
}

// goldenDelta is the per-pixel YIQ tolerance of golden comparisons, for
// anti-aliasing differences between platforms, as in output/plots.
const goldenDelta = 0.05

// Figures of a small deterministic run (tiny, mean-field engine) match
// testdata/<figure>_golden.png; -update rewrites them.
func TestPlotGolden(t *testing.T) {
	dir := runTiny(t, "--engine", "meanfield", "--no-plots", "-q")
	out := filepath.Join(t.TempDir(), "figs")
	golden := []string{"headline", "lost-sales"}
	if code, _, stderr := cli(t, "plot", dir, "--out", out, "--dpi", "60", "--figures", strings.Join(golden, ","), "-q"); code != exitOK {
		t.Fatalf("plot: got exit %d: %s", code, stderr)
	}
	for _, n := range golden {
		got := readFile(t, filepath.Join(out, n+".png"))
		path := filepath.Join("testdata", n+"_golden.png")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./cmd/interopsim -run TestPlotGolden -update)", err)
		}
		ok, err := cmpimg.EqualApprox("png", got, want, goldenDelta)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Errorf("%s.png differs from %s; got kept in %s (rerun with -update if intended)", n, path, out)
		}
	}
}

// The help lists the figure and metric names of package plots.
func TestPlotHelpNames(t *testing.T) {
	_, stdout, _ := cli(t, "plot", "--help")
	help := strings.Join(strings.Fields(stdout), " ")
	for _, n := range append(plots.Names(), plots.Metrics()...) {
		if !strings.Contains(help, " "+n+",") && !strings.Contains(help, " "+n+";") && !strings.Contains(help, " "+n+".") {
			t.Errorf("plot --help does not list %q", n)
		}
	}
}

// TestPlotOldLayout checks that plot reads a single run's metrics.csv in
// the layout written before schema version 1 (that of runs.csv: run,
// step, date, region, metric, entity, value) and draws from it the
// figures it draws from the file in today's layout, byte for byte.
func TestPlotOldLayout(t *testing.T) {
	dir := runTiny(t, "-q")
	path := filepath.Join(dir, output.MetricsFile)
	st, err := output.ReadStats(bytes.NewReader(readFile(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	old := &output.Table{}
	for _, r := range st.Rows {
		old.Rows = append(old.Rows, output.Row{Step: r.Step, Date: r.Date, Region: r.Region, Metric: r.Metric, Entity: r.Entity, Value: r.Mean})
	}
	var b bytes.Buffer
	if err := output.WriteCSV(context.Background(), &b, old); err != nil {
		t.Fatal(err)
	}
	oldDir := badRun(t, b.String())
	if err := os.WriteFile(filepath.Join(oldDir, output.ScenarioFile), readFile(t, filepath.Join(dir, output.ScenarioFile)), 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "run,step,date,region,metric,entity,value\n0,0,") {
		t.Fatalf("the old layout starts %.60q", b.String())
	}
	newFigs, oldFigs := filepath.Join(t.TempDir(), "new"), filepath.Join(t.TempDir(), "old")
	for _, c := range [][2]string{{dir, newFigs}, {oldDir, oldFigs}} {
		if code, _, stderr := cli(t, "plot", c[0], "--out", c[1], "-q"); code != exitOK {
			t.Fatalf("plot %s: got exit %d: %s", c[0], code, stderr)
		}
	}
	for _, n := range figureNames {
		if !bytes.Equal(readFile(t, filepath.Join(newFigs, n+".png")), readFile(t, filepath.Join(oldFigs, n+".png"))) {
			t.Errorf("%s.png drawn from the old layout differs from that drawn from the new one", n)
		}
	}
}

// pngInfo reads a PNG file's size in pixels, its resolution in pixels per
// metre (pHYs) and its tEXt chunks, checking every chunk's CRC.
func pngInfo(t *testing.T, path string) (w, h int, ppm uint32, text map[string]string) {
	t.Helper()
	data := readFile(t, path)
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s: not a PNG", path)
	}
	text = map[string]string{}
	for rest := data[8:]; len(rest) >= 12; {
		n := binary.BigEndian.Uint32(rest)
		typ, body := string(rest[4:8]), rest[8:8+n]
		if crc32.ChecksumIEEE(rest[4:8+n]) != binary.BigEndian.Uint32(rest[8+n:]) {
			t.Fatalf("%s: %s chunk: bad CRC", path, typ)
		}
		switch typ {
		case "IHDR":
			w, h = int(binary.BigEndian.Uint32(body)), int(binary.BigEndian.Uint32(body[4:]))
		case "pHYs":
			if body[8] != 1 {
				t.Errorf("%s: pHYs unit %d, want 1 (metre)", path, body[8])
			}
			ppm = binary.BigEndian.Uint32(body)
		case "tEXt":
			k, v, _ := bytes.Cut(body, []byte{0})
			text[string(k)] = string(v)
		}
		rest = rest[12+n:]
	}
	return w, h, ppm, text
}

// cmOf is a length of px pixels at ppm pixels per metre, in centimetres.
func cmOf(px int, ppm uint32) float64 { return float64(px) / float64(ppm) * 100 }

// --width and --height give every figure exactly that size, as its PNG
// file says (pHYs), or a usage error naming the least height that fits;
// that height then works. (--height was once a one-row figure's only:
// --width 8.5cm --height 6cm gave 8.5 × 15.6 cm.)
func TestPlotSize(t *testing.T) {
	dir := runTiny(t, "--engine", "meanfield", "--no-plots", "-q")
	out := filepath.Join(t.TempDir(), "figs")
	code, _, stderr := cli(t, "plot", dir, "--out", out, "--width", "8.5cm", "--height", "4cm", "-q")
	re := regexp.MustCompile(`--height 4cm is too short for [a-z, -]+ at --width 8\.5cm: use --height ([0-9.]+)cm or more, or --no-title`)
	m := re.FindStringSubmatch(stderr)
	if code != exitUsage || m == nil {
		t.Fatalf("8.5 × 4 cm: got exit %d, %q; want %d and the least height", code, stderr, exitUsage)
	}
	checkNothingWritten(t, out)
	for _, h := range []string{m[1], "20"} {
		code, _, stderr = cli(t, "plot", dir, "--out", out, "--width", "8.5cm", "--height", h+"cm", "--dpi", "150", "-q")
		if code != exitOK {
			t.Fatalf("--height %scm: got exit %d: %s", h, code, stderr)
		}
		want, _ := strconv.ParseFloat(h, 64)
		for _, n := range figureNames {
			w, hp, ppm, _ := pngInfo(t, filepath.Join(out, n+".png"))
			if ppm != 5906 { // 150 dpi
				t.Errorf("%s.png: %d pixels per metre, want 5906 (150 dpi)", n, ppm)
			}
			if gw, gh := cmOf(w, ppm), cmOf(hp, ppm); math.Abs(gw-8.5) > 0.02 || math.Abs(gh-want) > 0.02 {
				t.Errorf("--height %scm: %s.png is %.2f × %.2f cm, want 8.5 × %s", h, n, gw, gh, h)
			}
		}
	}
}

// PNG files say their resolution and what they show (title, scenario,
// seed, program version), so that a figure found alone can be traced and
// is inserted at its size. Run through the real binary: its version is
// the one stamped at build time.
func TestPNGMetadata(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runBinary(t, ".", "run", tiny, "--seed", "11", "--engine", "meanfield", "--out", dir, "--force", "-q"); code != exitOK {
		t.Fatalf("run: got exit %d: %s", code, stderr)
	}
	_, version, _ := runBinary(t, ".", "--version")
	version = strings.Fields(version)[1]
	w, _, ppm, text := pngInfo(t, filepath.Join(dir, output.PlotsDir, "adoption.png"))
	if ppm != 11811 || math.Abs(cmOf(w, ppm)-16) > 0.01 {
		t.Errorf("adoption.png: %d pixels per metre, %.2f cm wide; want 11811 (300 dpi) and 16 cm", ppm, cmOf(w, ppm))
	}
	want := map[string]string{
		"Title": "Adoption of payment methods", "Scenario": "tiny", "Seed": "11",
		"Software": "interopsim " + version,
	}
	if !maps.Equal(text, want) {
		t.Errorf("tEXt chunks %q, want %q", text, want)
	}
}

// --no-title drops the figures' titles and subtitles in run, compare and
// plot; the PNG files still name their figure.
func TestNoTitle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plain")
	if code, _, stderr := cli(t, "run", tiny, "--engine", "meanfield", "--out", dir, "-q"); code != exitOK {
		t.Fatalf("run: got exit %d: %s", code, stderr)
	}
	plain := filepath.Join(dir, output.PlotsDir)
	for _, cmd := range [][]string{
		{"run", tiny, "--engine", "meanfield", "--no-title", "-q"},
		{"compare", tiny, "--engine", "meanfield", "--at", "1m", "--no-title", "-q"},
		{"plot", dir, "--no-title", "-q"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		code, _, stderr := cli(t, append(cmd, "--out", out)...)
		if code != exitOK {
			t.Fatalf("%v: got exit %d: %s", cmd, code, stderr)
		}
		figs := out
		if cmd[0] != "plot" {
			figs = filepath.Join(out, output.PlotsDir)
		}
		_, h, _, text := pngInfo(t, filepath.Join(figs, "headline.png"))
		_, hPlain, _, _ := pngInfo(t, filepath.Join(plain, "headline.png"))
		if h >= hPlain || !strings.HasSuffix(text["Title"], "share of payments on Taobao") {
			t.Errorf("%s --no-title: headline %d px high (with titles %d), Title chunk %q", cmd[0], h, hPlain, text["Title"])
		}
	}
	for _, c := range []string{"run", "compare", "plot"} {
		if _, stdout, _ := cli(t, c, "--help"); !strings.Contains(stdout, "--no-title") {
			t.Errorf("%s --help does not list --no-title", c)
		}
	}
}

// busy is a scenario with six regions and six events, two on the same
// date and a promotion with a duration.
const busy = "testdata/busy.yaml"

// Every figure of a busy scenario (six regions, six events) is drawn,
// 16 cm wide and no taller than 23 cm, and within 20 cm without titles;
// as a comparison too.
func TestBusyFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 16 figures twice")
	}
	run := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := cli(t, "run", busy, "--engine", "meanfield", "--out", run, "--no-plots", "-q"); code != exitOK {
		t.Fatalf("run: got exit %d: %s", code, stderr)
	}
	cmp := filepath.Join(t.TempDir(), "cmp")
	if code, _, stderr := cli(t, "compare", busy, "--engine", "meanfield", "--at", "3m", "--out", cmp, "--no-plots", "-q"); code != exitOK {
		t.Fatalf("compare: got exit %d: %s", code, stderr)
	}
	for _, dir := range []string{run, cmp} {
		for _, tc := range []struct {
			flags []string
			maxH  float64 // cm
		}{{nil, 23}, {[]string{"--no-title"}, 20}} {
			out := filepath.Join(t.TempDir(), "figs")
			args := append([]string{"plot", dir, "--out", out, "--dpi", "60", "-q"}, tc.flags...)
			if code, _, stderr := cli(t, args...); code != exitOK {
				t.Fatalf("%v: got exit %d: %s", args, code, stderr)
			}
			names := listFigures(t, out)
			if want := 6; dir == run && len(names) != want || dir == cmp && len(names) != want+4 {
				t.Errorf("%v: drew %v", args, names)
			}
			for _, n := range names {
				w, h, ppm, _ := pngInfo(t, filepath.Join(out, n))
				if gw, gh := cmOf(w, ppm), cmOf(h, ppm); math.Abs(gw-16) > 0.05 || gh > tc.maxH+0.05 {
					t.Errorf("%v: %s is %.1f × %.1f cm, want 16 cm wide and at most %g cm high", args, n, gw, gh, tc.maxH)
				}
			}
		}
	}
}
