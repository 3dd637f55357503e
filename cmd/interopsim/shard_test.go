package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunCompareShards runs run --runs 5 and compare --runs 5 as shards
// of 2 and 3, merges them, and checks the files against the single runs
// byte for byte (summary.json and summary.md carry the provenance: the
// command and the time).
func TestRunCompareShards(t *testing.T) {
	for _, tc := range []struct {
		cmd   string
		k     int
		files []string
	}{
		{"run", 2, []string{"metrics.csv", "scenario.yaml", "runs.csv", "plots/headline.png"}},
		{"compare", 3, []string{"metrics.csv", "baseline.csv", "effects.csv", "effects_at.csv", "scenario.yaml", "baseline.yaml", "runs.csv", "baseline_runs.csv", "plots/effect-headline.png"}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			root := t.TempDir()
			base := []string{tc.cmd, tiny, "--runs", "5", "--keep-runs", "--at", "2w,4w", "-q"}
			if tc.cmd == "run" {
				base = []string{tc.cmd, tiny, "--runs", "5", "--keep-runs", "-q"}
			}
			whole := filepath.Join(root, "whole")
			if code, out, errs := cli(t, append(base, "--out", whole)...); code != exitOK {
				t.Fatalf("whole: exit %d\n%s%s", code, out, errs)
			}
			var shards []string
			for i := 1; i <= tc.k; i++ {
				d := filepath.Join(root, "shard-"+string(rune('0'+i)))
				if code, out, errs := cli(t, append(base, "--out", d, "--shard", string(rune('0'+i))+"/"+string(rune('0'+tc.k)))...); code != exitOK {
					t.Fatalf("shard %d: exit %d\n%s%s", i, code, out, errs)
				}
				shards = append(shards, d)
			}
			merged := filepath.Join(root, "merged")
			if code, out, errs := cli(t, append(append([]string{"merge"}, shards...), "--out", merged, "-q")...); code != exitOK {
				t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
			}
			for _, f := range tc.files {
				if _, err := os.Stat(filepath.Join(whole, f)); err != nil {
					t.Fatalf("the single %s has no %s", tc.cmd, f)
				}
			}
			sameFiles(t, whole, merged, tc.files)
			code, _, errs := cli(t, "merge", shards[0], "--out", filepath.Join(root, "m2"))
			if code != exitFailure || !strings.Contains(errs, "missing shard 2/") {
				t.Errorf("merge of one shard: exit %d, %q", code, errs)
			}
		})
	}
}
