package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/scenarios"
)

var scenariosCommand = &command{
	name:  "scenarios",
	args:  "",
	short: "list the built-in scenarios",
	long: `List the built-in scenarios, which 'interopsim run NAME' runs and
'interopsim init FILE --from NAME' copies into a file to edit.`,
	example: `interopsim scenarios`,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		var opts ScenariosOptions
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runScenarios(ctx, opts, args, stdout, stderr)
		}
	},
}

// ScenariosOptions are the flags of the scenarios command: it has none
// but --help.
type ScenariosOptions struct{}

// AddFlags adds the scenarios command's flags to fs.
func (o *ScenariosOptions) AddFlags(fs *pflag.FlagSet) {}

// runScenarios runs the scenarios command.
func runScenarios(_ context.Context, _ ScenariosOptions, args []string, stdout, _ io.Writer) error {
	if len(args) > 0 {
		return usagef("scenarios", "takes no arguments, got %v", args)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, b := range scenarios.Builtins() {
		desc := b.Description
		if b.Name == scenarios.Default {
			desc += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%s\n", b.Name, escapeControl(desc))
	}
	return tw.Flush()
}
