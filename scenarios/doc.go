// Package scenarios reads, checks and writes interopsim scenario files:
// YAML descriptions of a world of shoppers, payment methods, e-commerce
// platforms and dated events, which it turns into the sim.Config the
// engine runs.
//
// # Entry points
//
// Parse reads a scenario from bytes; Load reads a built-in scenario by name
// (see Builtins; Default is the flagship) or a file by path. Both return a
// *Scenario whose Config has every default resolved and its agents
// allocated to segments. SetAgents and SetSeed change a loaded scenario
// (the CLI's --agents and --seed). Marshal writes a resolved scenario back
// as YAML with every default spelled out; parsing that output gives the
// same Config, Seed and Agents. Template returns the commented source of a
// built-in, and Rename changes its name: together they implement
// "interopsim init NAME --from X".
//
//	s, err := scenarios.Load("taobao-wechat-pay")
//	if err != nil {
//		return err // every mistake, each a *FieldError with file:line:column
//	}
//	res, err := sim.Run(&s.Config, s.Seed, nil)
//
// # Errors
//
// Parse reports every mistake it finds in one pass, in file order, joined
// with errors.Join. Each is a *FieldError naming the file, line, column,
// the field (YAML keys with list indices, such as regions[2].population or
// events[0].platform) and what would be valid; errors.As finds them. Parse
// never panics, whatever its input (FuzzParse checks this).
//
// # File format
//
// A scenario is one YAML document holding one mapping. Unknown keys,
// duplicate keys, anchors and aliases (&a, *a: every value is written where
// it is used), several documents in one file and values of the wrong type
// are mistakes. A key with an empty or null value counts as absent. Names
// (of the scenario, methods, platforms, regions and segments) are
// identifiers: lowercase letters, digits, '_' and '-', starting with a
// letter or digit, at most 64 characters. Dates are YYYY-MM-DD between
// 1900-01-01 and 2999-12-31. Durations are a number and a unit: d (days),
// w (weeks), m (months) or y (years), such as 14d or 5y, read alike
// wherever they appear (duration, warmup, rollout, a promotion's
// duration): a month is a calendar month from the duration's first day,
// ending on the month's last day when the day does not exist there (1m
// from 2024-01-31 ends on 2024-02-29), a year twelve months. Rates are per
// year. Numbers must be finite (.nan and .inf are mistakes); an integer
// may be written as 4e5. Every number has a range, fixed by what the
// engine and the figures handle: populations 1 to 1e10 people, shares
// from 1e-9, rates (per year) 0 to 1e6, values (baskets, payments) up to
// 1e6, utilities (appeals, loyalty, gamma, delta, kappa, shifts) within
// ±50 (docs/scenarios.md says why). A file is read only if it is a
// regular file of at most MaxFileBytes (10 MiB).
//
//	name         required identifier
//	description  text, default ""
//	start        required date, the first day of the first step
//	step         day, week (default) or month
//	end          date after start: steps run while a step's first day is before it
//	duration     instead of end: the horizon's length from start, with calendar
//	             months and years (5y from 2023-01-02 ends on 2028-01-02)
//	warmup       optional duration (like 26w), default 0: steps simulated before
//	             start and not recorded, with adoption, churn and sign-ups off,
//	             so that habits and platform loyalty settle on the holdings
//	seed         non-negative integer, default 1
//	agents       total simulated agents, default 200000, at least one per segment,
//	             at most 2^31-1; spread over segments in proportion to people;
//	             written as ParseAgents reads it (and the CLI's --agents):
//	             200000, 200_000, 200,000, 200k, 1.5M, 2m (m is million), 4e5
//	currency     label of the value unit, default CNY
//	methods      1 to 8 payment methods:
//	  name       required identifier, unique
//	  label      default the name
//	  color      "#RRGGBB" (quoted), default from the Okabe-Ito palette in
//	             declaration order (blue, vermillion, bluish green, reddish
//	             purple, orange, sky blue, black, yellow)
//	  appeal     utility of paying with it, default 0
//	  adoption   {p, q}: Bass innovation and imitation rates, >= 0, default 0
//	  churn      rate at which holders drop it, >= 0, default 0
//	  launch     optional date before end: before it nobody holds, adopts or
//	             accepts the method (holdings 0, in no accepts list)
//	platforms    1 to 15 platforms:
//	  name, label, color    as for methods (platforms take the palette's
//	             colours after the methods')
//	  appeal     utility of shopping there, default 0
//	  loyalty    utility of returning to it, default behaviour.loyalty
//	  accepts    required list of method names accepted at start (may be [])
//	  region_appeal  {region: offset}, default 0 for each region
//	  method_appeal  {method: offset of paying with it here}, default 0
//	channels     optional list of ways of paying besides checkout:
//	  name, label, color    as for platforms (a name of its own)
//	  rate, value   required payments per person per year (>= 0) and
//	                mean value (> 0)
//	  accepts       {method: share of payments accepting it}, default 0
//	  peer          true for person to person: accepted when the payee holds it
//	  method_appeal {method: offset}, default 0
//	regions      at least one region:
//	  name, label   as for methods; the name is not all (the whole country
//	                in output files)
//	  population    required, 1 to 1e10 people
//	  shopping_rate required, 0 to 1e6 purchases per person per year
//	  basket        required, mean order value in the currency, in (0,1e6]
//	  holdings      {method: share of people holding it at start, in [0,1]},
//	                unlisted methods 0
//	  growth        optional list of {date, population}: later populations
//	                (dates after start, increasing; never falling), linear
//	                in between; newcomers hold nothing
//	  segments      optional list; without it the region is one segment "all":
//	    name          required identifier, unique in the region
//	    share         required, in [1e-9,1]; a region's shares sum to 1 (within 1e-9)
//	    shopping_rate, basket   default the region's
//	    holdings      per-method overrides of the region's holdings
//	behaviour    beta in [0,1] (0.5), kappa in [0,50] (3), psi in [0,1] (0.2),
//	             gamma (1), delta (0.5), loyalty (0.5), each in [-50,50]
//	events       list, kept sorted by date (file order on the same date):
//	  date       required, on or after start and before end
//	  type       accept | stop_accepting | promotion | set | campaign |
//	             channel_acceptance
//	  label      default generated ("Taobao/Tmall accepts WeChat Pay")
//	  accept, stop_accepting: platform, method (required), rollout (duration
//	             from date, default 0d: at once; 1m from 2024-01-31 is 29 days)
//	  promotion: method and shift (required), platform (default every
//	             platform), and until (a date after date) or duration
//	  set:       param and value (required); param is behaviour.<beta|kappa|
//	             psi|gamma|delta>, methods.<m>.<appeal|p|q|churn>,
//	             platforms.<p>.<appeal|loyalty>,
//	             regions.<r>.<shopping_rate|basket> or
//	             channels.<c>.<rate|value>; value in that parameter's own
//	             range
//	  campaign:  method (required), p and/or q >= 0 added to its adoption
//	             rates, until or duration
//	  channel_acceptance: channel, method and share (required), rollout
//	  regions:   on promotion, campaign and set, optional list of the
//	             regions the event applies to (default every region)
//	calibrate    what 'interopsim calibrate' fits (the engine ignores it):
//	  data       the data file, relative to the scenario file
//	  free       list of {param, lo, hi}: param as in set events, lo < hi
//	             within the parameter's range; each parameter once
//	parameter_draws  a CSV of parameter draws (draw,<param>,...), as FILE
//	             or {file: FILE, sha256: HEX}, resolved like calibrate's
//	             data; for the CLI's --param-draws (the engine ignores it)
//
// ParseParam and ParseFree read a parameter name and a PARAM=LO:HI bound
// as the CLI's --free does; CheckBounds checks bounds. Load reads and
// checks a scenario's parameter_draws file into ParameterDraws.Set
// (ReadDraws, located *DrawsError mistakes); Draws.Apply sets a draw's
// values in a Config.
//
// Acceptance events are replayed in date order from the accepts lists:
// accepting a method already accepted, stopping one not accepted, two
// rollouts on the same platform and method that overlap, and more than 10
// platform/method pairs in rollout at once (the engine enumerates all 2^k
// acceptance combinations of k pairs in rollout) are mistakes. A horizon
// of more than MaxSteps steps is refused.
//
// docs/scenarios.md in the repository is the complete reference, with a
// full example; the built-in scenarios (*.yaml in this directory) cite a
// source or say "assumption" for every number.
package scenarios
