package main

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/spf13/pflag"

	"github.com/interopsim/interopsim/scenarios"
)

// setFlag is the repeatable --set PARAM=VALUE: overrides of a scenario's
// parameters (named as in set events) or of its agents, seed or end,
// applied in the order given and resolved into scenario.yaml.
type setFlag struct{ list []scenarios.Override }

func (f *setFlag) String() string {
	parts := make([]string, len(f.list))
	for i, o := range f.list {
		parts[i] = o.Name + "=" + o.Value
	}
	return strings.Join(parts, ",")
}

func (f *setFlag) Type() string { return "PARAM=VALUE" }

// Set checks the form PARAM=VALUE; the names and values are checked
// against the scenario once it is loaded.
func (f *setFlag) Set(s string) error {
	o, err := scenarios.ParseOverride(s)
	if err != nil {
		return err
	}
	f.list = append(f.list, o)
	return nil
}

// register adds --set to fs.
func (f *setFlag) register(fs *pflag.FlagSet) {
	fs.Var(f, "set", "set `PARAM=VALUE` before running, as a set event dated the start would (behaviour.gamma=1.2, methods.wechat_pay.appeal=0.3), or the scenario's agents, seed or end (end=2026-01-05); repeatable, applied in order, and written into scenario.yaml")
}

// apply applies the overrides to sc; a mistake is a usage error of cmd
// naming the flag.
func (f *setFlag) apply(cmd string, sc *scenarios.Scenario) error {
	if err := sc.ApplyAll(f.list); err != nil {
		return usagef(cmd, "%w", err)
	}
	return nil
}

// variant is what the overrides add to a default output directory's
// name: "-set" and 8 hex digits of a hash of them in order, or "".
func (f *setFlag) variant() string {
	if len(f.list) == 0 {
		return ""
	}
	h := sha256.Sum256([]byte(f.String()))
	return "-set" + hex.EncodeToString(h[:4])
}
