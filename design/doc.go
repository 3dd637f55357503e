// Package design builds the design points of a computer experiment: the
// parameter values at which a scenario is run in a sweep.
//
// Four designs are offered, each a Kind:
//
//   - Grid: the full factorial of each factor's levels (a list of
//     values, or N levels evenly spaced from Lo to Hi), the last factor
//     varying fastest.
//   - LHS: a Latin hypercube of N points: each factor's range is cut into
//     N equal strata and each stratum holds exactly one point, the
//     strata paired at random.
//   - Saltelli: the sample of Saltelli (2010) for first-order and total
//     Sobol indices: N base rows of two matrices A and B taken from a
//     2k-dimensional Sobol sequence (Joe and Kuo's direction numbers,
//     new-joe-kuo-6.21201, unscrambled, its first point, the origin,
//     skipped), written row by row as A_j, then A_j with factor i taken
//     from B_j for i = 1..k, then B_j: N(k+2) points.
//   - Morris: r trajectories of k+1 points on a p-level grid, each
//     moving one factor at a time by Δ = p/(2(p−1)) (Morris 1991), the
//     screening design of elementary effects.
//
// Every point is first drawn in the unit cube and then mapped linearly
// onto the factors' ranges; Plan keeps both. The random choices (LHS
// strata, Morris starts, orders and directions) come from math/rand/v2
// PCG streams of (Seed, factor) or (Seed, trajectory), so the same Design
// gives the same Plan on every machine.
//
// Example:
//
//	p, err := design.New(design.Design{Kind: design.LHS, Points: 64, Seed: 1,
//		Factors: []design.Factor{{Name: "behaviour.gamma", Lo: 0.5, Hi: 2}}})
//	// p.X[i][0] is the gamma of point i.
//
// Package sensitivity estimates the indices from the outputs at these
// points, in the order Plan gives them.
package design
