package output

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// JournalFile is the commit record of a set of files being put in place
// (see Dir.WriteJob): while it exists, the directory's files are those of
// an interrupted commit, which the next job, or 'interopsim plot', rolls
// forward before it reads anything. A reader that finds it should not
// trust the other files until then.
const JournalFile = ".interopsim-commit.json"

// CommitDelayEnv names an environment variable for tests only: a
// duration (time.ParseDuration) slept before each step of a commit, after
// its commit record is durable, so that a test can kill the program
// inside the commit. Unset or invalid, nothing is slept.
const CommitDelayEnv = "INTEROPSIM_TEST_COMMIT_DELAY"

// ErrCanceled is returned by Dir.WriteJob and Dir.WriteFigures when their
// context ends before the commit point: nothing was changed.
var ErrCanceled = errors.New("canceled before the results were put in place")

// journal is the content of JournalFile: the renames of temporary files
// to their names, in order, then the removals of the earlier job's files
// that the new set does not hold. Every path is relative to the
// directory, with slashes.
type journal struct {
	Renames []journalRename `json:"renames"`
	Removes []FileRecord    `json:"removes"`
}

type journalRename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// tempName matches the temporary files of writeTemp (os.CreateTemp puts
// digits where the star is) and nothing else.
var tempName = regexp.MustCompile(`^` + regexp.QuoteMeta(tempPrefix) + `.+\.[0-9]+\.tmp$`)

// commit puts the temporaries temps in place as files (temps[i] becomes
// files[i]) and then removes the files of removes that are still
// unchanged, through a commit record: once JournalFile is durable (the
// commit point), the change is decided, and a crash after it is rolled
// forward by the next job (see recoverDir). Before it, nothing is
// changed. The context is checked just before the commit point only.
// committed says whether the commit point was passed: if so, an error
// means the record stays for the next job to finish.
func commit(ctx context.Context, dir string, temps, files []string, removes []FileRecord) (committed bool, err error) {
	j := journal{Removes: removes}
	for i := range temps {
		rel, err := filepath.Rel(dir, temps[i])
		if err != nil {
			return false, err
		}
		j.Renames = append(j.Renames, journalRename{From: filepath.ToSlash(rel), To: files[i]})
	}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return false, err
	}
	if ctx.Err() != nil {
		return false, ErrCanceled
	}
	tmp, _, err := writeTemp(context.Background(), dir, File{Name: JournalFile, Write: func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}})
	if err != nil {
		if tmp != "" {
			os.Remove(tmp)
		}
		return false, err
	}
	if ctx.Err() != nil {
		os.Remove(tmp)
		return false, ErrCanceled
	}
	if err := os.Rename(tmp, filepath.Join(dir, JournalFile)); err != nil {
		os.Remove(tmp)
		return false, fmt.Errorf("write commit record: %w", err)
	}
	syncDir(dir) // the commit point
	return true, apply(dir, &j, commitDelay())
}

// commitDelay returns the test-only pause of CommitDelayEnv.
func commitDelay() time.Duration {
	d, err := time.ParseDuration(os.Getenv(CommitDelayEnv))
	if err != nil || d < 0 {
		return 0
	}
	return d
}

// apply carries out the commit record j in dir, as far as it is not done
// already (it is idempotent: a crash while applying is rolled forward by
// applying again), syncs the directories, and removes JournalFile.
func apply(dir string, j *journal, delay time.Duration) error {
	dirs := map[string]bool{dir: true}
	var errs []error
	for _, r := range j.Renames {
		time.Sleep(delay)
		from, to := filepath.Join(dir, filepath.FromSlash(r.From)), filepath.Join(dir, filepath.FromSlash(r.To))
		dirs[filepath.Dir(to)] = true
		if fi, err := os.Lstat(from); err != nil || !fi.Mode().IsRegular() {
			continue // renamed before the crash
		}
		if err := os.Rename(from, to); err != nil {
			errs = append(errs, fmt.Errorf("replace %s: %w", r.To, err))
		}
	}
	for d := range dirs {
		syncDir(d)
	}
	for _, r := range j.Removes {
		time.Sleep(delay)
		if ok, err := matches(dir, r); err != nil || !ok {
			continue // removed before the crash, or changed: not ours
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(r.Name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s of the earlier job: %w", r.Name, err))
		}
	}
	os.Remove(filepath.Join(dir, PlotsDir)) // only if empty
	if err := errors.Join(errs...); err != nil {
		return err // the record stays, for the next job to finish
	}
	time.Sleep(delay)
	if err := os.Remove(filepath.Join(dir, JournalFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove commit record: %w", err)
	}
	syncDir(dir)
	return nil
}

// recoverDir finishes in dir a commit that a crash interrupted: it rolls
// its record forward (see apply). A record that is not a regular file, or
// does not parse, or names paths outside dir or renames from anything but
// interopsim's temporaries, is not interopsim's and is left alone.
func recoverDir(dir string) error {
	b, err := readRegular(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil
	}
	var j journal
	if json.Unmarshal(b, &j) != nil {
		return nil
	}
	for _, r := range j.Renames {
		if !localFile(dir, r.From) || !localFile(dir, r.To) || !tempName.MatchString(path.Base(r.From)) ||
			path.Dir(r.From) != path.Dir(r.To) {
			return nil
		}
	}
	for _, r := range j.Removes {
		if !localFile(dir, r.Name) {
			return nil
		}
	}
	if err := apply(dir, &j, 0); err != nil {
		return fmt.Errorf("finish the interrupted commit in %s: %w", dir, err)
	}
	return nil
}

// localFile says whether name is a clean relative path with slashes whose
// parent directories under dir are real directories (no symlink), so
// that a file of that name is inside dir.
func localFile(dir, name string) bool {
	if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) || path.Clean(name) != name || strings.Contains(name, `\`) {
		return false
	}
	d := dir
	parts := strings.Split(name, "/")
	for _, p := range parts[:len(parts)-1] {
		d = filepath.Join(d, p)
		if fi, err := os.Lstat(d); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// removeStaleTemps removes interopsim's own temporary files (see
// tempName) in dir and its plots/ that were last written before since:
// left by a job that was killed. Nothing else is removed.
func removeStaleTemps(dir string, since time.Time) {
	for _, d := range []string{dir, filepath.Join(dir, PlotsDir)} {
		if fi, err := os.Lstat(d); err != nil || !fi.IsDir() {
			continue
		}
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || !tempName.MatchString(e.Name()) {
				continue
			}
			if fi, err := e.Info(); err == nil && fi.ModTime().Before(since) {
				os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
}

// ctxWriter fails writes once its context ends, so that a long write
// stops soon after a signal.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, ErrCanceled
	}
	return c.w.Write(p)
}
