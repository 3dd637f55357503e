//go:build !unix

package output

import (
	"errors"
	"io/fs"
	"os"
)

var errLocked = errors.New("locked")

// flock does nothing where flock does not exist: directories are not
// locked there.
func flock(f *os.File) error { return nil }

// fileKey identifies the file of fi by name only.
func fileKey(fi fs.FileInfo) string { return fi.Name() }
