package readfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// ErrNotRegular is wrapped by the errors of files that are not regular
// files: directories, named pipes, devices, sockets.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError is the error of a file that is not a regular file;
// errors.Is(err, ErrNotRegular) finds it.
type NotRegularError struct {
	// Path is the file's path; What names the kind of file expected.
	Path, What string
	// Mode is the file's mode.
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file: interopsim reads a %s only from a regular file", e.Path, kind(e.Mode), e.What)
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// TooLargeError is the error of a file larger than its limit.
type TooLargeError struct {
	// Path is the file's path; What names the kind of file, such as
	// "scenario file".
	Path, What string
	// Limit is the most bytes read from such a file.
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, the most interopsim reads from a %s", e.Path, Size(e.Limit), e.What)
}

// Size formats a byte count as KiB, MiB or GiB when it is a whole number
// of them.
func Size(n int64) string {
	for _, u := range []struct {
		s    string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + " " + u.s
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// kind names what a non-regular file is.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// Open opens path for reading if it is a regular file (following
// symbolic links) and returns it wrapped so that reading more than limit
// bytes fails with a *TooLargeError; what names the kind of file in
// errors. The file is checked before it is opened, so that a named pipe
// is never opened (which would wait for a writer). Errors wrap those of
// package os, so errors.Is(err, fs.ErrNotExist) works, or ErrNotRegular.
func Open(path, what string, limit int64) (io.ReadCloser, error) {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // as os.Open says: the file could not be opened
		}
		return nil, err
	}
	if err := check(path, what, fi, limit); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	// The file may have been replaced between Stat and Open.
	if fi, err = f.Stat(); err == nil {
		err = check(path, what, fi, limit)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &limited{f: f, r: io.LimitReader(f, limit+1), path: path, what: what, limit: limit}, nil
}

func check(path, what string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Path: path, What: what, Mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return &TooLargeError{Path: path, What: what, Limit: limit}
	}
	return nil
}

// ReadFile reads the whole of the regular file path, at most limit
// bytes, as Open does.
func ReadFile(path, what string, limit int64) ([]byte, error) {
	f, err := Open(path, what, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// limited reads a file and fails past its limit: the file may grow
// while it is read.
type limited struct {
	f     *os.File
	r     io.Reader
	n     int64
	path  string
	what  string
	limit int64
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n, &TooLargeError{Path: l.path, What: l.what, Limit: l.limit}
	}
	return n, err
}

func (l *limited) Close() error { return l.f.Close() }

// RowError is one mistake in a tabular file interopsim reads (a
// calibration's data, a draws file), located by row (the line of the
// file) and column (the field's number, from 1).
type RowError struct {
	// File is the file's name as given to the reader.
	File string
	// Row and Column locate the field; Column is 0 for a mistake of the
	// whole row and Row 0 for one of the whole file.
	Row, Column int
	// Field is the column's name, if known.
	Field string
	// Msg says what is wrong and what would be valid.
	Msg string
}

// Error returns the mistake as "file: row 5, column 3 (metric): msg".
func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Row > 0 {
		fmt.Fprintf(&b, ": row %d", e.Row)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
		if e.Field != "" {
			fmt.Fprintf(&b, " (%s)", e.Field)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}
