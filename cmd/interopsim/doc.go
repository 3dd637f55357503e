// Command interopsim simulates how shoppers in China choose payment
// methods and e-commerce platforms, and how adoption, payment shares and
// platform market shares move when a walled garden opens, such as Taobao
// and Tmall starting to accept WeChat Pay.
//
// Usage:
//
//	interopsim COMMAND [ARGS] [flags]
//	interopsim help [COMMAND]
//	interopsim --help | --version
//
// Commands:
//
//	run [SCENARIO]        run a scenario (a built-in name or a file; the
//	                      default is taobao-wechat-pay) and write
//	                      metrics.csv, summary.json, scenario.yaml and the
//	                      figures in plots/ into its output directory, all
//	                      or none of them, and print the headline figures
//	                      (also in summary.md)
//	compare [SCENARIO]    measure the effect of a scenario's events: run it
//	                      and a baseline (by default without its acceptance
//	                      events) replicate by replicate on common random
//	                      numbers, and write the effects over time and at
//	                      chosen horizons with their intervals
//	sweep [SCENARIO]      run a scenario at the points of a design (grid,
//	                      lhs, saltelli, morris) over parameters of its
//	                      sweep: section or --vary, with a baseline, and
//	                      write every replicate's headline outputs
//	sensitivity RUN_DIR   Sobol indices or Morris elementary effects of a
//	                      finished sweep's outputs
//	merge DIR...          put the shards of a sweep together, byte for
//	                      byte the single sweep
//	calibrate SCENARIO    fit free parameters of a scenario to observed
//	                      data with the mean-field engine, and write the
//	                      fitted scenario, the parameters with their
//	                      intervals, the fit and a figure
//	tornado [SCENARIO]    which parameters move an opening's effect most:
//	                      each --vary PARAM=LO:HI set to its ends in the
//	                      scenario and its baseline, one at a time, with
//	                      the mean-field engine; writes tornado.csv, a
//	                      table and a figure
//	plot RUN_DIR          redraw a run's figures from its metrics.csv and
//	                      scenario.yaml, without running it again
//	validate SCENARIO...  check scenarios and print what they describe:
//	                      horizon, regions, methods, platforms, behaviour,
//	                      events and the memory a run needs
//	scenarios             list the built-in scenarios
//	init NAME             write NAME.yaml, a commented copy of a built-in
//	                      scenario to edit
//
// Flags of run:
//
//	-o, --out DIR         output directory (default out/<scenario name>, with
//	                      -seedN, -agentsN (or -population), -runsN,
//	                      -meanfield (or -counts), -drawsK
//	                      appended for those flags; interopsim-out/... if
//	                      out is a file)
//	    --seed N          random seed instead of the scenario's
//	    --agents N        total number of agents instead of the scenario's,
//	                      written 100000, 100_000, 100,000, 100k or 100K,
//	                      2m or 2M (m is million, never milli), 1.5M, 4e5
//	                      or 1b; after scaling a whole number (1.0005k is
//	                      refused); the scenario's agents key takes the same;
//	                      or population: one agent per person
//	    --workers N       worker threads, 0 for every core; results do not
//	                      depend on it
//	    --engine ENGINE   agents (default), counts or meanfield
//	-q, --quiet           print nothing but errors
//	    --force           replace the results of a run with other inputs
//	                      (files interopsim did not write are never
//	                      replaced), and run a horizon of more than 100,000
//	                      steps or 200 years, otherwise refused as a typo
//	    --format FORMATS  figures as png (default), svg or pdf; several
//	                      separated by commas
//	    --no-plots        write no figures
//	    --no-title        draw the figures without titles and subtitles
//	                      (papers give them in captions)
//	    --runs N          N replicates (default 1); replicate i draws from
//	                      the random streams of (seed, i); metrics.csv
//	                      holds their number, mean, sd and 5th, 50th and
//	                      95th percentiles of every value (for one run,
//	                      its value and an empty sd), figures draw the
//	                      mean with a 5th-95th percentile band (Monte
//	                      Carlo spread only, as a note under each figure
//	                      says)
//	    --keep-runs       with --runs N (N of 2 or more), also write every
//	                      replicate (runs.csv); without it, a usage error
//	    --table FORMAT    csv (default) or parquet: metrics.parquet (and
//	                      runs.parquet, and for compare baseline.parquet
//	                      and effects.parquet) instead of the CSV files,
//	                      the same columns and rows, typed and compressed
//	    --param-draws K   carry parameter uncertainty into the intervals:
//	                      replicate r runs with parameter set r mod K, set
//	                      i being draw i of the scenario's parameter_draws
//	                      file (the first K draws), applied from the start
//	                      of the horizon; without --runs, K replicates, and
//	                      with --engine meanfield always K runs (parameter
//	                      uncertainty alone); --runs below K, K below 1 or
//	                      above the draws available, or no draws at all
//	                      exit 2
//	    --draws FILE      take the parameter sets from FILE (such as the
//	                      draws.csv of calibrate) instead of the
//	                      scenario's parameter_draws; a bad file exits 1
//	                      naming its row and column
//	    --set PARAM=VALUE set a parameter, named as in set events
//	                      (behaviour.gamma=1.2, methods.wechat_pay.appeal=0.3),
//	                      as a set event dated the start would, or the
//	                      scenario's agents, seed or end (end=2026-01-05);
//	                      repeatable, applied in order after --seed and
//	                      --agents, written into scenario.yaml (which
//	                      reproduces the run), and appended to the default
//	                      directory as -set and a hash; validate takes it too
//	    --shard I/K       with --runs N, run only the replicates r with
//	                      r mod K = I-1 into a shard directory (shard.json,
//	                      replicates.csv at full precision); 'interopsim
//	                      merge' of the K shards writes the files of the
//	                      single run, byte for byte (compare takes it too)
//
// With --param-draws the directory also holds parameter_draws.csv, a
// copy of the draws file that its scenario.yaml names with its SHA-256,
// and summary.json's uncertainty says what the intervals include
// (sampling noise, the parameter draws or both), as stdout, summary.md
// and the note under each figure do.
// compare takes the flags of run (--runs defaults to 20, or 1 with
// --engine meanfield) and:
//
//	--baseline OTHER  compare with the scenario OTHER, which must have
//	                  the same regions, methods, platforms and steps
//	--at HORIZONS     effects table at these times after each
//	                  acceptance event, counted from its own date
//	                  (default 3m,6m,12m,24m): days (14d), weeks (13w),
//	                  calendar months (6m) or years (2y), as durations
//	                  in scenario files; checked before anything runs:
//	                  none within the simulation exits 2, one past the
//	                  end for an event is skipped with a note
//	--event EVENT     measure one acceptance event's marginal effect:
//	                  the baseline is the scenario without only EVENT,
//	                  keeping its other events; EVENT is its number
//	                  (1 is the earliest) or platform/method (jd/alipay)
//	--independent     give the baseline its own random streams (to
//	                  measure what common random numbers gain)
//
// Its directory (default out/<scenario>-vs-<baseline>) holds metrics.csv
// and baseline.csv (each side's statistics), effects.csv (the statistics
// of the paired differences, scenario minus baseline, for every metric,
// region and step), effects_at.csv (each event's headline effects at
// each horizon, with an event column), summary.json, summary.md,
// scenario.yaml, baseline.yaml and the figures, including effect-*.
// The intervals are sampling noise of the replicates; with --param-draws
// they also include parameter uncertainty: replicate i of the scenario
// and of the baseline run with the same parameter set (i mod K) and the
// same random streams.
//
// Flags of sweep (docs/sweeps.md):
//
//	--vary P=LO:HI[:N]  vary the parameter P (as in set events) over
//	                    LO..HI, N levels for a grid; P=V1,V2,... a list
//	                    (grid only); repeatable; replaces the scenario's
//	                    sweep: parameters
//	--design DESIGN     grid (default), lhs, saltelli or morris
//	--points N          lhs points, saltelli base rows (N(k+2) points),
//	                    morris trajectories (N(k+1) points)
//	--levels P          levels of a morris grid (even, default 4)
//	--runs N            replicates per point (default 1); replicate r of
//	                    every point draws from the streams of (seed, r)
//	--at HORIZONS       the outputs' horizons after each acceptance
//	                    event, as compare --at
//	--baseline OTHER    the baseline at every point instead of the
//	                    scenario without its acceptance events
//	--shard I/N         run only the points p with p mod N = I-1
//	--checkpoint D      commit the points done every D (default 1m) and
//	                    on Ctrl-C; the same command resumes
//	--seed, --agents, --set, --engine, --workers, --out, --force,
//	--format, --no-plots, --no-title, -q as for run
//
// Its directory (default out/<scenario>-sweep-<design>) holds
// scenario.yaml (with the resolved sweep: section), baseline.yaml,
// points.csv, results.csv (point, replicate, event, horizon, step, date,
// region, metric, entity, scenario, baseline, effect), outputs.csv (per
// point, the columns of effects_at.csv), sweep.json, summary.json and
// plots/curve.png (one parameter) or plots/heatmap.png (two, on a grid).
//
// sensitivity RUN_DIR takes --metric, --entity, --region (default all),
// --at and --event to choose the outputs, --resamples N (1000) and
// --level (0.95) for the bootstrap intervals, and --out (default
// RUN_DIR/sensitivity), --force, --format, --no-plots, --no-title, -q;
// it writes sensitivity.csv (parameter, output, S1, S1_lo, S1_hi, ST,
// ST_lo, ST_hi, mu_star, mu, sigma), plots/sensitivity.png and
// summary.json. merge DIR... takes --out, --force, --format, --no-plots,
// --no-title, --workers and -q, and refuses (exit 1), naming it, a
// missing, duplicated, unfinished or foreign shard (docs/distributed.md).
//
// Flags of calibrate (docs/calibration.md describes the data, the loss,
// the optimiser and the intervals):
//
//	--data FILE.csv   the data (default the scenario's calibrate:
//	                  data:, relative to the scenario file); columns
//	                  period,region,metric,entity,value[,weight][,sd]
//	--free P=LO:HI    free the parameter P (as in set events, such as
//	                  behaviour.gamma=0:3), repeatable; adds to the
//	                  scenario's calibrate: free: list, replacing its
//	                  bounds of the same parameter
//	--holdout DATE    fit the data whose period ends by DATE, report
//	                  the forecast error after it against the naive
//	                  last-value forecast (holdout.csv)
//	--starts N        optimiser starts (default 4)
//	--seed N          seed of the starts (default the scenario's)
//	--band-runs N     agent-engine runs of the figure's band (default
//	                  5; 0 for none)
//	--no-intervals    skip the profile likelihood intervals
//	--draws N         parameter draws in draws.csv (default 200; 0 for
//	                  none), for run and compare --param-draws
//	--draw-method M   sir (default: the Laplace approximation in the
//	                  optimiser's logit space, refined by sampling-
//	                  importance-resampling, 5 mean-field runs per draw)
//	                  or laplace (the approximation alone)
//	--workers, --out, --force, --no-plots, --no-title, -q as for run
//
// Its directory (default out/<scenario>-calibrate, with -holdoutDATE,
// -seedN, -startsN, -drawsN, -laplace appended for those flags) holds
// fitted.yaml (the scenario with the fitted values, which run runs as is,
// naming draws.csv as its parameter_draws), parameters.csv, fit.csv,
// draws.csv, holdout.csv with --holdout, summary.md, summary.json and
// plots/fit.png. A bad data row is reported with its row and column and
// exits 1; a bad --free (unknown parameter, bounds out of order or outside
// the parameter's range) exits 2; nothing is written.
//
// A run draws six figures into plots/: adoption, payment-shares,
// headline, platform-shares, lost-sales and multihoming (see package
// output/plots), 16 cm wide and at most 20 cm high (a journal's text
// block) when their text leaves room, PNG at 300 dpi. A PNG file carries
// its resolution (pHYs), so that word processors and LaTeX insert it at
// its size, and tEXt chunks naming its title, scenario, seed and the
// program's version; nothing in it depends on the clock. Figures an
// earlier run wrote in the directory, still unchanged, that this one does
// not redraw are removed, so that every figure shows the data beside it;
// other files in plots/, and figures edited since, are kept.
//
// Flags of plot:
//
//	-o, --out DIR         output directory (default RUN_DIR/plots)
//	    --format FORMATS  png (default), svg or pdf; several separated by
//	                      commas
//	    --width LENGTH    width of every figure, such as 16cm (the
//	                      default), 160mm, 6in or 450pt
//	    --height LENGTH   height of every figure, exactly (default: each
//	                      its own, at most 1.25 times the width); a
//	                      height too small for a figure's text to leave
//	                      its data areas their minimum is a usage error
//	                      that names the least height that fits
//	    --no-title        leave out titles and subtitles; notes (what the
//	                      bands show, the event key) stay
//	    --dpi N           resolution of PNG files (default 300)
//	    --figures NAMES   draw only these figures
//	    --metrics NAMES   draw only these metrics, by their name in
//	                      metrics.csv (adoption, tx_share, payment_share,
//	                      gmv_share, lost_sales, signups, multihoming)
//	    --regions NAMES   draw only these regions (all: the whole country)
//	    --methods NAMES   draw only these payment methods
//	    --platforms NAMES draw only these platforms
//	-q, --quiet           print nothing but errors
//
// plot reads metrics.csv written by hand or another program too: it needs
// the columns of metrics.csv (step, date (YYYY-MM-DD), region, metric,
// entity, runs, mean, sd, p05, p50, p95) or those of runs.csv (run, step,
// date, region, metric, entity, value; the layout of a single run's
// metrics.csv before schema version 1), in any order, and ignores others.
// docs/metrics.md describes every file and column. Mistakes are reported with the
// file, line and column; regions, methods and platforms that are not
// those of scenario.yaml are reported with the valid names, and so are
// infinite values, values beyond 1e30, percentiles out of order by more
// than rounding and steps past the horizon; a missing mean in a row that
// has runs is drawn as a gap with a warning. Files that are not regular
// files, and a metrics.csv over 4 GiB, are refused before they are read.
// Everything printed has its control characters escaped. Drawn with
// the defaults, plot's figures are those of run, byte for byte.
//
// validate takes --quiet (print only mistakes); init takes --from NAME
// (the built-in to copy) and --force (overwrite the file). Every command
// takes -h or --help, which prints its flags and an example.
//
// A run, a comparison or a calibration refuses to start if its estimated
// peak would need more than 90% of the memory available: the least of
// MemAvailable in /proc/meminfo and what the tightest cgroup (v1 or v2)
// memory limit leaves, such as a container's, which the message then
// names. It names too what takes most of the memory (the replicates'
// tables, the agents or the steps) and what to lower. The first SIGINT or SIGTERM
// stops it between two steps, leaving nothing written and saying how many
// replicates were done; a second one ends the process at once. A job that
// takes more than a second shows its progress on standard error: a bar
// with replicates and steps done, elapsed and remaining time on a
// terminal, a plain line every few seconds otherwise, nothing with
// --quiet.
//
// The output directory holds all of one job's results or all of the
// previous job's, whatever happens (docs/reliability.md): a job writes
// temporary files (.interopsim-NAME.DIGITS.tmp), makes a commit record
// (.interopsim-commit.json) durable, then renames them into place; a
// signal before that commit point stops the job with status 1 and the
// directory as it was, one after it lets the commit finish, and a kill
// inside it is rolled forward by the next job or 'interopsim plot' on the
// directory, which also remove the temporaries of killed jobs. A job
// locks its directory (flock) until it ends: a second job into it fails
// at once, naming the first from .interopsim-lock.json. The environment
// variable INTEROPSIM_TEST_COMMIT_DELAY is for tests only: it slows each
// step of a commit so that a test can kill the program inside it.
//
// Exit status:
//
//	0  success
//	1  failure: an invalid scenario (its mistakes are printed one per
//	   line, as file:line:column: field: message), a bad metrics.csv or
//	   calibration data file (file: row R, column C (name): message), a
//	   refused output directory, too little memory, an interrupted run,
//	   an I/O error
//	2  wrong usage: an unknown command or flag, a bad flag value, a wrong
//	   number of arguments
//
// An unknown command, flag, flag value, scenario (a built-in, NAME.yaml
// after 'interopsim init NAME', or a scenario file nearby), key or name in
// a scenario file is reported with the valid ones and, when one is near,
// "; did you mean X?": interopsim rn says "did you mean run?", run --agent
// "did you mean --agents?", platform: tmall "did you mean taobao_tmall?".
//
// Example:
//
//	interopsim init my-world --from taobao-wechat-pay
//	interopsim validate my-world.yaml
//	interopsim run my-world.yaml --agents 100k --seed 7
//	interopsim run my-world.yaml --runs 20
//	interopsim compare my-world.yaml --at 6m,12m
//	interopsim compare jd-alipay --event jd/alipay --at 13w,1y
//	interopsim calibrate my-world.yaml --data observed.csv --free behaviour.gamma=0:3
//	interopsim plot out/my-world --format pdf --width 12cm --height 9cm --no-title --figures headline
//	interopsim run --set behaviour.gamma=1.5 --set agents=100k
//	interopsim sweep --vary behaviour.gamma=0.5:2 --vary methods.wechat_pay.appeal=0:0.6 --design saltelli --points 64
//	interopsim sensitivity out/taobao-wechat-pay-sweep-saltelli --metric payment_share --at 12m
//	interopsim merge part-1 part-2 part-3 --out all
package main
