package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummaryGolden runs the tiny scenario with both engines and compares
// their summaries, without the fields that name the program and the clock,
// with testdata/tiny_<engine>_summary_golden.json, so that any change of
// results shows as a diff. Rewrite with -update after checking that the
// change is intended.
func TestSummaryGolden(t *testing.T) {
	for _, engine := range []string{"agents", "meanfield"} {
		t.Run(engine, func(t *testing.T) {
			dir := runTiny(t, "--engine", engine, "--agents", "3000")
			s := readSummary(t, dir)
			s.Provenance.Version, s.Provenance.GoVersion, s.Provenance.WallSeconds = "", "", 0
			got, err := json.MarshalIndent(s, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "tiny_"+engine+"_summary_golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/interopsim -run TestSummaryGolden -update)", err)
			}
			if bytes.Equal(got, want) {
				return
			}
			gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Fatalf("%s line %d:\ngot  %s\nwant %s\n(rerun with -update if the change is intended)", path, i+1, gl[i], wl[i])
				}
			}
			t.Fatalf("%s: %d lines, want %d", path, len(gl), len(wl))
		})
	}
}
