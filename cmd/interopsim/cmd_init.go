package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/output"
	"github.com/interopsim/interopsim/scenarios"
)

var initCommand = &command{
	name:  "init",
	args:  "NAME",
	short: "write a new scenario file from a built-in one",
	long: `Write the scenario file NAME.yaml, a commented copy of a built-in
scenario renamed NAME, to edit. NAME starts with a lowercase letter or a
digit and holds only a-z, 0-9, _ and -. A NAME ending in .yaml is a path:
the scenario is named after the file.

An existing file is not overwritten unless --force is given.`,
	example: `interopsim init my-world
interopsim init scenarios/rural-push.yaml --from ` + scenarios.Default,
	setup: func(fs *pflag.FlagSet) func(context.Context, []string, io.Writer, io.Writer) error {
		opts := InitOptions{From: builtinFlag{name: scenarios.Default}}
		opts.AddFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return runInit(ctx, opts, args, stdout, stderr)
		}
	},
}

// InitOptions are the flags of the init command.
type InitOptions struct {
	// From is the built-in scenario to copy.
	From builtinFlag
	// Force allows overwriting an existing file.
	Force bool
}

// AddFlags adds the init command's flags to fs.
func (o *InitOptions) AddFlags(fs *pflag.FlagSet) {
	fs.Var(&o.From, "from", "copy the built-in scenario `NAME` (see 'interopsim scenarios')")
	addSwitch(fs, &o.Force, "force", "", "overwrite the file if it exists")
}

// validName matches a scenario name.
var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// runInit runs the init command.
func runInit(_ context.Context, opts InitOptions, args []string, stdout, _ io.Writer) error {
	if len(args) != 1 {
		return usagef("init", "want one NAME, got %d arguments", len(args))
	}
	path, name := args[0]+".yaml", args[0]
	if strings.HasSuffix(args[0], ".yaml") {
		path, name = args[0], strings.TrimSuffix(filepath.Base(args[0]), ".yaml")
	}
	if !validName.MatchString(name) {
		return usagef("init", "bad scenario name %q: want a lowercase letter or digit first, then only a-z, 0-9, _ and -", name)
	}
	if _, err := os.Lstat(path); err == nil && !opts.Force {
		return fmt.Errorf("%s exists: use --force to overwrite it, or choose another name", path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("init: %w", err)
	}
	src, err := scenarios.Template(opts.From.name)
	if err != nil {
		return fmt.Errorf("init from %s: %w", opts.From.name, err)
	}
	src, err = scenarios.Rename(src, name)
	if err != nil {
		return fmt.Errorf("init from %s: %w", opts.From.name, err)
	}
	err = output.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(src)
		return err
	})
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	path = escapeControl(path)
	fmt.Fprintf(stdout, "wrote %s: scenario %s, a copy of the built-in %s\n\nNext:\n", path, name, opts.From.name)
	fmt.Fprintf(stdout, "  edit %s\n  interopsim validate %s\n  interopsim run %s\n", path, path, path)
	return nil
}
