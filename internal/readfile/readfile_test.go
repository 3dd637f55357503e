//go:build unix

package readfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	tests := []struct {
		name, path string
		limit      int64
		want       string // "" for success
		is         error
	}{
		{"regular", small, 100, "", nil},
		{"at the limit", small, 8, "", nil},
		{"over the limit", small, 7, "small.yaml is larger than 7 bytes, the most interopsim reads from a scenario file", nil},
		{"directory", dir, 100, "is a directory, not a regular file", ErrNotRegular},
		{"fifo", fifo, 100, "is a named pipe (FIFO), not a regular file", ErrNotRegular},
		{"device", "/dev/zero", 1 << 20, "is a character device, not a regular file", ErrNotRegular},
		{"missing", filepath.Join(dir, "none"), 100, "no such file", fs.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() {
				data, err = ReadFile(tc.path, "scenario file", tc.limit)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadFile did not return within 10s")
			}
			if tc.want == "" {
				if err != nil || string(data) != "name: x\n" {
					t.Fatalf("got %q, %v, want the file", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) is false", err, tc.is)
			}
		})
	}
}

// TestGrowing checks the limit on the bytes read, not only on the size
// the file had when it was opened.
func TestGrowing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.csv")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path, "metrics file", 5)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.WriteFile(path, []byte("abcdefgh"), 0o644); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	var total int
	for {
		n, err := f.Read(buf)
		total += n
		if err != nil {
			var tl *TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("got %v after %d bytes, want a *TooLargeError", err, total)
			}
			return
		}
		if total > 100 {
			t.Fatal("no error")
		}
	}
}
