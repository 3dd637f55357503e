package main

import (
	"io"

	"fmt"
	"github.com/interopsim/interopsim/scenarios"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/interopsim/interopsim/design"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/output/plots"
)

// sweepFigureNames are the figures a sweep may draw.
var sweepFigureNames = []string{"curve", "heatmap"}

// sweepHeadline returns the output the figures draw: the first of outputs.csv
// for all regions, and which column holds its value (the effect with a
// baseline, else the scenario's value) with its label.
func sweepHeadline(outs [][]string, hasBase bool) (key outputKey, col int, what string) {
	col, what = 11, "effect"
	if !hasBase {
		col, what = 9, "value"
	}
	for _, o := range outs {
		if o[5] == output.AllRegions {
			return outputKey{o[1], "", o[5], o[6], o[7]}, col, what
		}
	}
	return outputKey{}, col, what
}

func atof(s string) float64 {
	if s == "" {
		return math.NaN()
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

// sweepFigures draws a one-way sweep's share curve and a two-way grid's
// heat map of the headline output; other sweeps get no figure.
func sweepFigures(res *sweepResult, outs [][]string, opt plots.Options) ([]plots.Figure, error) {
	fs := res.plan.Design.Factors
	hasBase := res.state.Baseline != ""
	key, col, what := sweepHeadline(outs, hasBase)
	if key.metric == "" {
		return nil, nil
	}
	var horizons []string
	for _, o := range outs {
		if o[1] == key.event && o[5] == key.region && o[6] == key.metric && o[7] == key.entity && !slices.Contains(horizons, o[2]) {
			horizons = append(horizons, o[2])
		}
	}
	// Labels and units as compare's figures give them: shares in percent,
	// effects on shares in percentage points.
	scale := 1.0
	label := fmt.Sprintf("%s %s (%s)", key.metric, key.entity, key.region)
	if res.sc != nil {
		k := output.Key{Region: key.region, Metric: key.metric, Entity: key.entity}
		label = k.Label(&res.sc.Config)
	}
	if strings.HasSuffix(key.metric, "share") || key.metric == "adoption" || key.metric == "multihoming" || key.metric == "single_homing" {
		scale = 100
		what = "Share (%)"
		if hasBase {
			what = "Effect (percentage points)"
		}
	}
	if hasBase {
		label = "Effect on " + lowerFirstWord(label)
	}
	subtitle := fmt.Sprintf("%s sweep, %d points × %d runs. Scenario: %s", res.state.Design, res.state.Points, res.state.Runs, res.state.Scenario)
	note := "Band: 5th-95th percentile of paired replicates (noise only)."
	if !hasBase {
		note = ""
	}
	type pt struct{ x, y, lo, hi float64 }
	series := func(h string) []pt {
		var ps []pt
		for _, o := range outs {
			if o[1] == key.event && o[2] == h && o[5] == key.region && o[6] == key.metric && o[7] == key.entity {
				p, _ := strconv.Atoi(o[0])
				q := pt{x: res.plan.X[p][0], y: scale * atof(o[col])}
				q.lo, q.hi = q.y, q.y
				if hasBase {
					q.lo, q.hi = scale*atof(o[12]), scale*atof(o[13])
				}
				ps = append(ps, q)
			}
		}
		return ps
	}
	switch {
	case len(fs) == 1:
		in := plots.CurveInput{Name: "curve", Title: label, Subtitle: subtitle, Note: note,
			Scenario: res.state.Scenario, XLabel: fs[0].Name, YLabel: what}
		for _, h := range horizons {
			ps := series(h)
			ps = slices.DeleteFunc(ps, func(q pt) bool { return math.IsNaN(q.y) || math.IsNaN(q.lo) || math.IsNaN(q.hi) })
			if len(ps) == 0 {
				continue
			}
			sort.SliceStable(ps, func(i, j int) bool { return ps[i].x < ps[j].x })
			s := plots.CurveSeries{Label: "at " + h}
			if h == "end" {
				s.Label = "at the last step"
			}
			for _, q := range ps {
				s.X, s.Mean = append(s.X, q.x), append(s.Mean, q.y)
				s.Lo, s.Hi = append(s.Lo, q.lo), append(s.Hi, q.hi)
			}
			if !hasBase || res.state.Runs < 2 {
				s.Lo, s.Hi = nil, nil
			}
			in.Series = append(in.Series, s)
		}
		if len(in.Series) == 0 {
			return nil, nil
		}
		f, err := plots.SweepCurve(in, opt)
		if err != nil {
			return nil, err
		}
		return []plots.Figure{f}, nil
	case len(fs) == 2 && res.plan.Design.Kind == design.Grid:
		levels := func(j int) []float64 {
			var xs []float64
			for _, x := range res.plan.X {
				if !slices.Contains(xs, x[j]) {
					xs = append(xs, x[j])
				}
			}
			slices.Sort(xs)
			return xs
		}
		xs, ys := levels(0), levels(1)
		if len(xs) < 2 || len(ys) < 2 {
			return nil, nil
		}
		h := horizons[len(horizons)-1]
		z := make([][]float64, len(ys))
		for i := range z {
			z[i] = make([]float64, len(xs))
			for k := range z[i] {
				z[i][k] = math.NaN()
			}
		}
		for _, o := range outs {
			if o[1] == key.event && o[2] == h && o[5] == key.region && o[6] == key.metric && o[7] == key.entity {
				p, _ := strconv.Atoi(o[0])
				ix, iy := slices.Index(xs, res.plan.X[p][0]), slices.Index(ys, res.plan.X[p][1])
				z[iy][ix] = scale * atof(o[col])
			}
		}
		title := fmt.Sprintf("%s at %s", label, h)
		if h == "end" {
			title = label + " at the last step"
		}
		f, err := plots.SweepHeatmap(plots.HeatmapInput{Name: "heatmap", Title: title, Subtitle: subtitle, Scenario: res.state.Scenario,
			XLabel: fs[0].Name, YLabel: fs[1].Name, ZLabel: what + " (mean over replicates)", X: xs, Y: ys, Z: z}, opt)
		if err != nil {
			return nil, err
		}
		return []plots.Figure{f}, nil
	}
	return nil, nil
}

// describeSweep prints, for validate, the sweep a scenario declares.
func describeSweep(w io.Writer, sc *scenarios.Scenario) {
	if sc.Sweep == nil {
		return
	}
	d := sc.Sweep.Plan(sc.Seed)
	fmt.Fprintf(w, "\nsweep        %s; %d replicates per point (interopsim sweep)\n", d.Describe(), sc.Sweep.Runs)
}

// lowerFirstWord lowers the first letter of s unless its first word is
// a name (two capitals, as in "WeChat"), for "Effect on ..." titles.
func lowerFirstWord(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	word, _, _ := strings.Cut(s, " ")
	for _, r := range word[1:] {
		if r >= 'A' && r <= 'Z' {
			return s
		}
	}
	return strings.ToLower(s[:1]) + s[1:]
}
