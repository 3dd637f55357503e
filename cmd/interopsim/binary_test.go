package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// builtBinary is the interopsim program built once for the tests that run
// the real binary (see runBinary).
var builtBinary struct {
	once sync.Once
	path string
	err  error
}

// binaryPath builds the interopsim binary into a temporary directory, once
// per test process, and returns its path.
func binaryPath(t *testing.T) string {
	t.Helper()
	builtBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "interopsim-bin-")
		if err != nil {
			builtBinary.err = err
			return
		}
		builtBinary.path = filepath.Join(dir, "interopsim")
		out, err := exec.Command("go", "build", "-o", builtBinary.path, ".").CombinedOutput()
		if err != nil {
			builtBinary.err = errors.New(string(out) + err.Error())
		}
	})
	if builtBinary.err != nil {
		t.Fatalf("build interopsim: %v", builtBinary.err)
	}
	return builtBinary.path
}

// runBinary runs the real interopsim binary with args in the working
// directory dir and returns its exit code, standard output and standard
// error. Use it where the behaviour under test is the program's as a
// user meets it (exit codes, files left on disk).
func runBinary(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binaryPath(t), args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	default:
		t.Fatalf("run interopsim %v: %v", args, err)
		return -1, "", ""
	}
}

func TestBinaryRuns(t *testing.T) {
	code, stdout, stderr := runBinary(t, t.TempDir(), "--version")
	if code != exitOK || !bytes.HasPrefix([]byte(stdout), []byte("interopsim ")) {
		t.Fatalf("interopsim --version: got exit %d, stdout %q, stderr %q; want 0 and the version", code, stdout, stderr)
	}
}
