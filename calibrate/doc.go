// Package calibrate fits free parameters of a scenario to observed data
// with the mean-field engine.
//
// ReadData reads a tidy CSV of observations (period, region, metric,
// entity, value and optionally weight and sd), checking every row against
// a sim.Config: periods are days, months, quarters or years, and the
// model's value of a point is the mean of the metric over the steps of
// its period. Fit minimises the weighted sum of squared errors
//
//	L(θ) = Σ_i w_i (m_i(θ) - y_i)²,   w_i = weight_i / sd_i²
//
// over the free parameters, each searched in the open interval of its
// bounds through the logit transform u = log((x-lo)/(hi-x)), with gonum's
// Nelder-Mead from several starts (the scenario's values, then points
// drawn from a seeded PCG stream), keeping the best. It reports 95%
// profile likelihood intervals (the values of a parameter whose loss,
// minimised over the others, rises by less than 3.841σ²), standard errors
// and correlations from the Jacobian, and flags the parameters the data
// cannot pin down: a profile that reaches a bound, a zero derivative, or
// a correlation above CorrelationLimit. With a holdout date it fits the
// data before it and scores the forecast after it against carrying the
// last observation forward. Draw then draws from the distribution of the
// free parameters given the data (uniform prior within the bounds): the
// Laplace approximation in the logit space, refined by sampling-
// importance-resampling with the exact loss, parameters the data do not
// pin down drawn uniformly within their bounds.
//
// Like sim, the package is pure: no files, flags or printing, and the
// same Problem and Settings give the same Result whatever the number of
// workers.
//
//	data, err := calibrate.ReadData(f, "obs.csv", cfg)
//	res, err := calibrate.Fit(&calibrate.Problem{Config: cfg, Free: free, Data: data},
//		&calibrate.Settings{Starts: 4, Seed: 1})
//	for _, e := range res.Params {
//		fmt.Println(e.Name, e.Value, e.Lower, e.Upper, e.Pinned)
//	}
package calibrate
