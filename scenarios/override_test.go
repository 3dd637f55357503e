package scenarios

import (
	"strings"
	"testing"
)

func TestApplyOverrides(t *testing.T) {
	sc, err := Load(Default)
	if err != nil {
		t.Fatal(err)
	}
	list := []string{"behaviour.gamma=1.7", "methods.wechat_pay.appeal=0.45", "regions.rural.basket=99", "agents=10k", "seed=9", "end=2025-06-30"}
	var os []Override
	for _, s := range list {
		o, err := ParseOverride(s)
		if err != nil {
			t.Fatal(err)
		}
		os = append(os, o)
	}
	if err := sc.ApplyAll(os); err != nil {
		t.Fatal(err)
	}
	c := &sc.Config
	if c.Behaviour.Gamma != 1.7 || c.Methods[1].Appeal != 0.45 || sc.Seed != 9 || c.Agents() != 10000 {
		t.Errorf("got gamma %v, wechat appeal %v, seed %d, agents %d; want 1.7, 0.45, 9, 10000", c.Behaviour.Gamma, c.Methods[1].Appeal, sc.Seed, c.Agents())
	}
	if got := c.End().Format(dateLayout); got != "2025-06-30" {
		t.Errorf("got end %s, want 2025-06-30", got)
	}
	// The resolved scenario reproduces the overrides.
	resolved, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(resolved, "resolved.yaml")
	if err != nil {
		t.Fatal(err)
	}
	back.File = sc.File
	again, _ := Marshal(back)
	if string(again) != string(resolved) {
		t.Error("the resolved scenario with overrides does not marshal back to itself")
	}
	if back.Config.Regions[3].Segments[0].Basket != 99 || back.Seed != 9 {
		t.Errorf("resolved: got rural basket %v, seed %d, want 99, 9", back.Config.Regions[3].Segments[0].Basket, back.Seed)
	}
}

func TestApplyOverrideErrors(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"behaviour.gama=1", `unknown parameter "behaviour.gama"; valid forms: behaviour.beta`},
		{"behaviour.beta=3", "behaviour.beta must be in [0,1], got 3"},
		{"methods.paypal.appeal=1", `unknown method "paypal" (valid: alipay, wechat_pay, card)`},
		{"behaviour.gamma=high", `want a number, got "high"`},
		{"agents=0", "must be positive, got 0"},
		{"seed=-1", "want a whole number"},
		{"end=2024-01-01", "events[0].date: must be before the end of the horizon (2024-01-01), got 2024-09-12"},
		{"end=someday", "want a date YYYY-MM-DD after the start, 2023-01-02"},
	} {
		t.Run(tc.set, func(t *testing.T) {
			sc, err := Load(Default)
			if err != nil {
				t.Fatal(err)
			}
			o, err := ParseOverride(tc.set)
			if err != nil {
				t.Fatal(err)
			}
			err = sc.ApplyAll([]Override{o})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "--set "+tc.set+": ") {
				t.Errorf("got %v, want an error starting --set %s: and containing %q", err, tc.set, tc.want)
			}
		})
	}
	if _, err := ParseOverride("behaviour.gamma"); err == nil {
		t.Error("ParseOverride without = succeeded")
	}
}
