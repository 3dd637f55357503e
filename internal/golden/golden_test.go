package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records a fatal failure instead of
// stopping the test.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, a ...any) {
	r.msg = format
	panic(r)
}

func check(t *testing.T, path string, got string, update bool) (msg string) {
	r := &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != r {
			panic(v)
		}
		msg = r.msg
	}()
	Check(r, path, []byte(got), update, "the test with -update")
	return ""
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x_golden.txt")
	if msg := check(t, path, "a\nb\n", false); !strings.Contains(msg, "to create it") {
		t.Errorf("missing file: got %q", msg)
	}
	if msg := check(t, path, "a\nb\n", true); msg != "" {
		t.Fatalf("update: %q", msg)
	}
	if b, _ := os.ReadFile(path); string(b) != "a\nb\n" {
		t.Fatalf("update wrote %q", b)
	}
	if msg := check(t, path, "a\nb\n", false); msg != "" {
		t.Errorf("equal: %q", msg)
	}
	if msg := check(t, path, "a\nc\n", false); !strings.Contains(msg, "line %d differs") {
		t.Errorf("different: got %q", msg)
	}
}
