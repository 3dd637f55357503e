// Package sensitivity estimates how much each input of a model drives
// its output, from runs at the points of a design (package design).
//
// Sobol computes variance-based indices from a Saltelli sample: the
// first-order index S1_i, the share of the output's variance that factor
// i explains alone, with Saltelli et al.'s (2010) estimator
//
//	S1_i = mean(f(B) (f(AB_i) − f(A))) / V,
//
// and the total index ST_i, the share it explains with all its
// interactions, with Jansen's (1999) estimator
//
//	ST_i = mean((f(A) − f(AB_i))²) / (2V),
//
// V being the variance of the outputs at A and B together. Their
// intervals are percentile bootstrap intervals over the base rows,
// resampled with a fixed seed.
//
// Morris computes elementary effects from Morris trajectories: for each
// factor the mean of the absolute effects mu* (Campolongo et al. 2007),
// their mean mu and their standard deviation sigma (Morris 1991), in
// units of the output per unit of the factor's normalised range.
//
// Example:
//
//	idx, err := sensitivity.Sobol(y, k, nil) // y in the design's order
//	// idx[i].S1, idx[i].ST ...
package sensitivity
