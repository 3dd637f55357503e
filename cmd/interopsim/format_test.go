package main

import (
	"math"
	"strings"
	"testing"
)

func TestFmtCount(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{1300000000, "1,300,000,000"},
		{6666.667, "6,667"},
		{2.5, "2.5"},
		{1.0 / 3, "0.3333"},
		{-1234, "-1,234"},
		{math.NaN(), "NaN"},
	} {
		if got := fmtCount(tc.v); got != tc.want {
			t.Errorf("fmtCount(%v): got %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestFmtBytes(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{5 << 30, "5.0 GiB"},
		{math.MaxUint64, "16.0 EiB"},
	} {
		if got := fmtBytes(tc.n); got != tc.want {
			t.Errorf("fmtBytes(%d): got %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestAgentsFlag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true},
		{"100000", 100000, true},
		{"100_000", 100000, true},
		{"100,000", 100000, true},
		{"250k", 250000, true},
		{"2M", 2000000, true},
		{"2m", 2000000, true}, // m is million, as in the scenario files' agents
		{"100K", 100000, true},
		{"1.5M", 1500000, true},
		{"4e5", 400000, true},
		{"2b", 2000000000, true},
		{"1.5k5", 0, false},
		{"1.0005k", 0, false},
		{"3b", 0, false},
		{"0", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"k", 0, false},
		{"", 0, false},
	} {
		var f agentsFlag
		err := f.Set(tc.in)
		if (err == nil) != tc.ok || tc.ok && f.n != tc.want {
			t.Errorf("Set(%q): got %d, %v; want %d, ok %v", tc.in, f.n, err, tc.want, tc.ok)
		}
	}
}

func TestTableTrimsTrailingSpaces(t *testing.T) {
	var b strings.Builder
	tab := newTable(&b)
	tab.row("a", "bb", "")
	tab.row("ccc", "d", "e")
	if err := tab.flush(); err != nil {
		t.Fatal(err)
	}
	want := "a    bb\nccc  d   e\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
