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
//	                      metrics.csv, summary.json and scenario.yaml into
//	                      its output directory, all or none of them
//	validate SCENARIO...  check scenarios and print what they describe:
//	                      horizon, regions, methods, platforms, behaviour,
//	                      events and the memory a run needs
//	scenarios             list the built-in scenarios
//	init NAME             write NAME.yaml, a commented copy of a built-in
//	                      scenario to edit
//
// Flags of run:
//
//	-o, --out DIR         output directory (default out/<scenario name>)
//	    --seed N          random seed instead of the scenario's
//	    --agents N        total number of agents instead of the scenario's
//	    --workers N       worker threads, 0 for every core; results do not
//	                      depend on it
//	    --engine ENGINE   agents (default) or meanfield
//	-q, --quiet           print nothing but errors
//	    --force           write into a directory that holds other files or
//	                      another scenario's results
//
// validate takes --quiet (print only mistakes); init takes --from NAME
// (the built-in to copy) and --force (overwrite the file). Every command
// takes -h or --help, which prints its flags and an example.
//
// A run refuses to start if it would need more than 90% of the memory
// available (MemAvailable in /proc/meminfo). The first SIGINT or SIGTERM
// stops it between two steps, leaving nothing written; a second one ends
// the process at once. On a terminal, a run shows the step it is at.
//
// Exit status:
//
//	0  success
//	1  failure: an invalid scenario (its mistakes are printed one per
//	   line, as file:line:column: field: message), a refused output
//	   directory, too little memory, an interrupted run, an I/O error
//	2  wrong usage: an unknown command or flag, a bad flag value, a wrong
//	   number of arguments
//
// Example:
//
//	interopsim init my-world --from taobao-wechat-pay
//	interopsim validate my-world.yaml
//	interopsim run my-world.yaml --agents 100k --seed 7
package main
