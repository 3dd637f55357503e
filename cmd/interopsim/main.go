package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/internal/suggest"
	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	os.Exit(realMain())
}

// realMain runs the program with the process's arguments and streams and
// returns its exit code, after every deferred call has run. The first
// SIGINT or SIGTERM cancels the context; a second one ends the process.
func realMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore the default handling: a second signal kills
	}()
	return runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// command is a subcommand of interopsim.
type command struct {
	// name is the word that selects the command.
	name string
	// args describes the positional arguments, for the usage line.
	args string
	// short is a one-line description for the list of commands.
	short string
	// long says what the command does, in a few lines.
	long string
	// example is one or more example invocations, one per line.
	example string
	// setup adds the command's flags to fs and returns the function
	// that runs the command once the flags are parsed.
	setup func(fs *pflag.FlagSet) func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists the subcommands in the order of the help text.
var commands = []*command{runCommand, compareCommand, sweepCommand, sensitivityCommand, mergeCommand, calibrateCommand, tornadoCommand, plotCommand, validateCommand, scenariosCommand, initCommand}

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is a wrong invocation of a command: an unknown command or
// flag, a bad flag value or a wrong number of arguments. It exits with
// status 2.
type usageError struct {
	// cmd is the command's name, or empty for the program as a whole.
	cmd string
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usageError of command cmd.
func usagef(cmd, format string, a ...any) error {
	return &usageError{cmd: cmd, err: fmt.Errorf(format, a...)}
}

// scenarioError is a scenario that could not be loaded. Its validation
// errors, which are located, are printed one per line.
type scenarioError struct {
	name string
	err  error
}

func (e *scenarioError) Error() string { return fmt.Sprintf("load scenario %s: %v", e.name, e.err) }
func (e *scenarioError) Unwrap() error { return e.err }

// loadScenario loads the built-in scenario or file nameOrPath.
func loadScenario(nameOrPath string) (*scenarios.Scenario, error) {
	sc, err := scenarios.Load(nameOrPath)
	if err != nil {
		return nil, &scenarioError{name: nameOrPath, err: err}
	}
	return sc, nil
}

// runMain runs interopsim with args (without the program name) and
// returns its exit code. It is main without the process: tests call it.
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(withCommandLine(ctx, args), args, stdout, stderr)
	if err == nil {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		if ue.cmd == "" {
			fmt.Fprintf(stderr, "interopsim: %s\nRun 'interopsim --help' for usage.\n", escapeControl(ue.err.Error()))
		} else {
			fmt.Fprintf(stderr, "interopsim %s: %s\nRun 'interopsim %s --help' for usage.\n", ue.cmd, escapeControl(ue.err.Error()), ue.cmd)
		}
		return exitUsage
	}
	var se *scenarioError
	if errors.As(err, &se) {
		printScenarioError(stderr, se)
		return exitFailure
	}
	fmt.Fprintf(stderr, "interopsim: %s\n", escapeControl(err.Error()))
	return exitFailure
}

// printScenarioError prints the located errors of a scenario one per
// line, or the error with its context when it is not located.
func printScenarioError(w io.Writer, se *scenarioError) {
	var joined interface{ Unwrap() []error }
	if errors.As(se.err, &joined) {
		for _, e := range joined.Unwrap() {
			var fe *scenarios.FieldError
			if errors.As(e, &fe) {
				fmt.Fprintln(w, escapeControl(fe.Error()))
			} else {
				fmt.Fprintf(w, "%s: %s\n", escapeControl(se.name), escapeControl(e.Error()))
			}
		}
		return
	}
	var fe *scenarios.FieldError
	if errors.As(se.err, &fe) {
		fmt.Fprintln(w, escapeControl(fe.Error()))
		return
	}
	// The scenarios package's other errors name the scenario.
	fmt.Fprintf(w, "interopsim: %s\n", escapeControl(se.err.Error()))
}

// scenarioSource says where sc was read from: its file, or "built-in".
func scenarioSource(sc *scenarios.Scenario) string {
	if sc.File == "" || strings.HasPrefix(sc.File, "builtin:") {
		return "built-in"
	}
	return sc.File
}

// dispatch parses the global flags, finds the command and runs it.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printMainHelp(stderr)
		return usagef("", "no command given")
	}
	switch args[0] {
	case "-h", "--help":
		printMainHelp(stdout)
		return nil
	case "--version":
		fmt.Fprintf(stdout, "interopsim %s (%s %s/%s)\n", output.ProgramVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	case "help":
		switch len(args) {
		case 1:
			printMainHelp(stdout)
			return nil
		case 2:
			c := findCommand(args[1])
			if c == nil {
				return unknownCommand(args[1])
			}
			fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
			c.setup(fs)
			addHelpFlag(fs)
			printHelp(stdout, c, fs)
			return nil
		}
		return usagef("", "help takes at most one command, got %d", len(args)-1)
	}
	if strings.HasPrefix(args[0], "-") {
		hint := ""
		if s := suggest.Nearest(strings.TrimLeft(args[0], "-"), []string{"help", "version"}); s != "" {
			hint = "; did you mean --" + s + "?"
		}
		return usagef("", "unknown flag %s before the command (valid: --help, --version)%s", args[0], hint)
	}
	c := findCommand(args[0])
	if c == nil {
		return unknownCommand(args[0])
	}
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = true
	run := c.setup(fs)
	help := addHelpFlag(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printHelp(stdout, c, fs)
			return nil
		}
		return &usageError{cmd: c.name, err: flagError(fs, err)}
	}
	if *help {
		printHelp(stdout, c, fs)
		return nil
	}
	return run(ctx, fs.Args(), stdout, stderr)
}

func addHelpFlag(fs *pflag.FlagSet) *bool {
	help := new(bool)
	addSwitch(fs, help, "help", "h", "show this help")
	return help
}

// unknownCommand is the usage error of an unknown command name.
func unknownCommand(name string) error {
	return usagef("", "unknown command %q (valid: %s)%s", name, strings.Join(commandNames(), ", "), suggest.Hint(name, commandNames()))
}

// commandNames returns the names of the commands, help last.
func commandNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return append(names, "help")
}

// flagError adds to pflag's error for a flag that fs lacks the nearest
// flag fs has: "unknown flag: --agent; did you mean --agents?". A long
// name written with one dash (-agents, which pflag reads as the
// shorthands a, g, e, ...) gets the flag with two. Other errors are
// returned as they are.
func flagError(fs *pflag.FlagSet, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) {
		return err
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	word := ne.GetSpecifiedName()
	if group := ne.GetSpecifiedShortnames(); group != "" {
		if len(group) < 2 {
			return err // one letter is near every other
		}
		word, _, _ = strings.Cut(group, "=")
	}
	if s := suggest.Nearest(word, names); s != "" {
		return fmt.Errorf("%w; did you mean --%s?", err, s)
	}
	return err
}

const mainHelp = `interopsim simulates how shoppers in China choose payment methods and
e-commerce platforms, and how adoption, payment shares and platform shares
move when a walled garden opens (say, Taobao accepting WeChat Pay).

Usage: interopsim COMMAND [ARGS] [flags]

Commands:
`

func printMainHelp(w io.Writer) {
	io.WriteString(w, mainHelp)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.short)
	}
	fmt.Fprintf(w, "  %-*s  %s\n", width, "help", "show the help of a command")
	io.WriteString(w, `
Flags:
  -h, --help      show this help
      --version   print the version and exit

Run 'interopsim help COMMAND' for a command's arguments, flags and example.

Exit status: 0 on success, 1 on failure, 2 on wrong usage.

Example:
  interopsim init my-world --from taobao-wechat-pay
  interopsim validate my-world.yaml
  interopsim run my-world.yaml --agents 100000
  interopsim plot out/my-world --format pdf --width 12cm
`)
}

func printHelp(w io.Writer, c *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: interopsim %s %s [flags]\n\n%s\n", c.name, c.args, strings.TrimSpace(c.long))
	fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	fmt.Fprintf(w, "\nExample:\n")
	for _, line := range strings.Split(strings.TrimSpace(c.example), "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// builtinNames returns the names of the built-in scenarios.
func builtinNames() []string { return scenarios.BuiltinNames() }

// isBuiltin says whether name is a built-in scenario.
func isBuiltin(name string) bool { return slices.Contains(builtinNames(), name) }
