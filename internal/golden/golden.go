// Package golden compares test output with golden files, the way
// go/printer's tests do: a golden file is rewritten only when the test
// runs with its package's -update flag, and reviewed as a diff; a
// mismatch reports the first line that differs.
package golden

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Check compares got with the file at path, or writes got there when
// update is set. hint says how to update, for example
// "go test ./output -update".
func Check(t testing.TB, path string, got []byte, update bool, hint string) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s to create it)", err, hint)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s: line %d differs:\ngot  %q\nwant %q\n(run %s if the change is intended)", path, i+1, g, w, hint)
		}
	}
	t.Fatalf("%s differs in line endings", path)
}
