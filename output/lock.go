package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// LockFile holds the record of the job that holds a directory's lock: its
// pid, command line and start, for the message of a second job. It is
// written when the lock is taken and removed when it is released; one
// left by a killed job is replaced by the next.
const LockFile = ".interopsim-lock.json"

// DirLockedError is returned for a directory that another interopsim
// process is using.
type DirLockedError struct {
	// Dir is the directory.
	Dir string
	// Holder describes the job that holds it, as its LockFile says:
	// "interopsim run x.yaml (pid 123, started 2026-12-01 11:58:02)".
	Holder string
}

// Error names the directory and the job that holds it.
func (e *DirLockedError) Error() string {
	return fmt.Sprintf("output directory %s is in use by another interopsim job, %s: wait for it to end, or choose another directory", e.Dir, e.Holder)
}

// lockRecord is the content of LockFile.
type lockRecord struct {
	PID     int       `json:"pid"`
	Command []string  `json:"command"`
	Started time.Time `json:"started"`
}

// Lock is an exclusive lock on a directory (flock on the directory
// itself), held by this process: while it is held, no other interopsim
// job writes into the directory. The lock ends with the process, however
// it ends.
type Lock struct {
	key  string
	held *heldLock
}

type heldLock struct {
	dir   string
	f     *os.File
	count int
	since time.Time
}

// held are the locks this process holds, by directory: a second LockDir
// of the same directory (plot reading a run and writing its plots/)
// shares the lock.
var (
	heldMu sync.Mutex
	held   = map[string]*heldLock{}
)

// LockDir takes the lock of the existing directory dir, or fails at once
// with a *DirLockedError naming the job that holds it. Once locked, it
// finishes a commit that a crash interrupted there (see JournalFile) and
// removes the temporary files that killed jobs left. Release the lock
// with Release.
func LockDir(dir string) (*Lock, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("lock output directory: %w", err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("lock output directory %s: not a directory", dir)
	}
	key := fileKey(fi)
	heldMu.Lock()
	defer heldMu.Unlock()
	if h := held[key]; h != nil {
		f.Close()
		h.count++
		return &Lock{key: key, held: h}, nil
	}
	since := time.Now()
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &DirLockedError{Dir: dir, Holder: holder(dir)}
		}
		return nil, fmt.Errorf("lock output directory %s: %w", dir, err)
	}
	h := &heldLock{dir: dir, f: f, count: 1, since: since}
	rec, _ := json.Marshal(lockRecord{PID: os.Getpid(), Command: os.Args, Started: since.Truncate(time.Second)})
	WriteFile(filepath.Join(dir, LockFile), func(w io.Writer) error { _, err := w.Write(rec); return err })
	if err := recoverDir(dir); err != nil {
		os.Remove(filepath.Join(dir, LockFile))
		f.Close()
		return nil, err
	}
	removeStaleTemps(dir, since)
	held[key] = h
	return &Lock{key: key, held: h}, nil
}

// Release releases the lock (once every LockDir of the directory in this
// process is released), removing LockFile. It may be called more than
// once.
func (l *Lock) Release() {
	if l == nil || l.held == nil {
		return
	}
	heldMu.Lock()
	defer heldMu.Unlock()
	h := l.held
	l.held = nil
	if h.count--; h.count > 0 {
		return
	}
	delete(held, l.key)
	os.Remove(filepath.Join(h.dir, LockFile))
	h.f.Close()
}

// holder describes the job whose record is in dir's LockFile.
func holder(dir string) string {
	b, err := readRegular(filepath.Join(dir, LockFile))
	var r lockRecord
	if err != nil || json.Unmarshal(b, &r) != nil || r.PID == 0 {
		return "which has not said which it is"
	}
	cmd := append([]string{"interopsim"}, r.Command[min(1, len(r.Command)):]...)
	return fmt.Sprintf("%s (pid %d, started %s)", strings.Join(cmd, " "), r.PID, r.Started.Local().Format("2006-01-02 15:04:05"))
}
