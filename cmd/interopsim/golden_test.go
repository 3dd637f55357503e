package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/interopsim/interopsim/internal/golden"
	"github.com/interopsim/interopsim/output"
)

// TestSummaryGolden runs the tiny scenario with both engines and compares
// their summaries, without the fields that name the program, the clock
// and the temporary output directory (in the command line), with testdata/tiny_<engine>_summary_golden.json, so that any change of
// results shows as a diff. Rewrite with -update after checking that the
// change is intended.
func TestSummaryGolden(t *testing.T) {
	for _, engine := range []string{"agents", "meanfield"} {
		t.Run(engine, func(t *testing.T) {
			dir := runTiny(t, "--engine", engine, "--agents", "3000")
			s := readSummary(t, dir)
			s.Provenance.Version, s.Provenance.GoVersion, s.Provenance.WallSeconds = "", "", 0
			s.Provenance.Created = ""
			for i, a := range s.Provenance.Command {
				if a == dir {
					s.Provenance.Command[i] = "OUT"
				}
			}
			var b bytes.Buffer
			if err := output.WriteSummary(&b, s); err != nil {
				t.Fatal(err)
			}
			got := b.Bytes()
			path := filepath.Join("testdata", "tiny_"+engine+"_summary_golden.json")
			golden.Check(t, path, got, *update, "go test ./cmd/interopsim -run TestSummaryGolden -update")
		})
	}
}
