package output

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Names of the files of a run's output directory.
const (
	// MetricsFile holds the StatTable of every run (see WriteStatCSV).
	MetricsFile = "metrics.csv"
	// SummaryFile holds the Summary (see WriteSummary).
	SummaryFile = "summary.json"
	// ScenarioFile holds the resolved scenario that reproduces the run.
	ScenarioFile = "scenario.yaml"
	// ReportFile holds the human summary (markdown, figures embedded).
	ReportFile = "summary.md"
	// RunsFile holds every replicate of an ensemble (--keep-runs), in the
	// layout RunColumns (see WriteCSV).
	RunsFile = "runs.csv"
	// BaselineFile, BaselineRunsFile and BaselineScenarioFile hold a
	// comparison's baseline: its statistics, its replicates and its
	// resolved scenario.
	BaselineFile         = "baseline.csv"
	BaselineRunsFile     = "baseline_runs.csv"
	BaselineScenarioFile = "baseline.yaml"
	// EffectsFile holds a comparison's effects over time (scenario minus
	// baseline, replicate by replicate) and EffectsAtFile the effects
	// table at chosen horizons.
	EffectsFile   = "effects.csv"
	EffectsAtFile = "effects_at.csv"
	// PlotsDir is the subdirectory of a run's figures, named
	// <figure>.<format> (see package output/plots).
	PlotsDir = "plots"
)

// tempPrefix starts the names of the temporary files of WriteFiles, so
// that PrepareDir recognises those left behind by a crash.
const tempPrefix = ".interopsim-"

// File is a file for WriteFiles: a name in the directory and a function
// that writes its content.
type File struct {
	// Name is the file's path relative to the directory, with slashes,
	// such as "metrics.csv" or "plots/adoption.png". It must be local:
	// clean, not absolute, without "..".
	Name string
	// Write writes the content. It must not keep w after returning.
	Write func(w io.Writer) error
}

// WriteFile writes the file path atomically: write's output goes to a
// temporary file in the same directory, through a buffer, which is synced
// to disk, closed and renamed to path. On any error the temporary file is
// removed and path is left as it was. The file's mode is 0644.
func WriteFile(path string, write func(io.Writer) error) error {
	return WriteFiles(filepath.Dir(path), []File{{Name: filepath.Base(path), Write: write}})
}

// WriteFiles writes a set of files into dir so that an error while
// writing any of them leaves none of the new files: each is written to a
// temporary file beside its final path as by WriteFile, creating
// subdirectories as needed, and only when all are written are they
// renamed, in order, to their names. On error the subdirectories it
// created are removed again. A crash or a failing rename between two
// renames can still leave some files renamed and others not; an error
// from a rename says which files were replaced.
func WriteFiles(dir string, files []File) error {
	_, err := writeSet(context.Background(), dir, files, nil, nil)
	return err
}

// writeSet is WriteFiles that also returns the record of each file as
// written, in order. When final is set, it is called with the records of
// files once they are written and returns one more file, written and
// renamed last, whose record is not returned. The writes stop with
// ErrCanceled when ctx ends.
//
// With a commit record (removes non-nil, maybe empty), the files are put
// in place by commit, which then removes the files of removes: all of the
// set or none of it, even across a crash (see JournalFile). ctx is
// checked up to the commit point.
func writeSet(ctx context.Context, dir string, files []File, final func([]FileRecord) File, removes []FileRecord) ([]FileRecord, error) {
	seen := make(map[string]bool, len(files))
	check := func(f File) error {
		if f.Name == "" || !filepath.IsLocal(filepath.FromSlash(f.Name)) || path.Clean(f.Name) != f.Name ||
			strings.Contains(f.Name, `\`) {
			return fmt.Errorf("write files: bad file name %q, want a clean relative path with slashes", f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("write files: %s given twice", f.Name)
		}
		seen[f.Name] = true
		return nil
	}
	for _, f := range files {
		if err := check(f); err != nil {
			return nil, err
		}
	}
	temps := make([]string, 0, len(files)+1)
	records := make([]FileRecord, 0, len(files))
	var created []string // subdirectories made here, parents first
	removeTemps := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	removeCreated := func() {
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(created[i]) // only if empty
		}
	}
	all := slices.Clone(files)
	for i := 0; i < len(all); i++ {
		f := all[i]
		if err := makeParents(dir, f.Name, &created); err != nil {
			removeTemps()
			removeCreated()
			return nil, err
		}
		tmp, rec, err := writeTemp(ctx, dir, f)
		if tmp != "" {
			temps = append(temps, tmp)
		}
		if err != nil {
			removeTemps()
			removeCreated()
			return nil, err
		}
		if i >= len(files) {
			continue
		}
		records = append(records, rec)
		if i == len(files)-1 && final != nil {
			last := final(slices.Clone(records))
			if err := check(last); err != nil {
				removeTemps()
				removeCreated()
				return nil, err
			}
			all = append(all, last)
		}
	}
	if removes != nil {
		committed, err := commit(ctx, dir, temps, names(all), removes)
		if err != nil && !committed {
			removeTemps()
			removeCreated()
		}
		if err != nil {
			return nil, err
		}
		return records, nil
	}
	if ctx.Err() != nil {
		removeTemps()
		removeCreated()
		return nil, ErrCanceled
	}
	for i, f := range all {
		if err := os.Rename(temps[i], filepath.Join(dir, filepath.FromSlash(f.Name))); err != nil {
			temps = temps[i:]
			removeTemps()
			removeCreated()
			if i > 0 {
				return nil, fmt.Errorf("replace %s (after replacing %s): %w", f.Name, strings.Join(names(all[:i]), ", "), err)
			}
			return nil, fmt.Errorf("replace %s: %w", f.Name, err)
		}
	}
	synced := map[string]bool{}
	for _, f := range all {
		d := filepath.Dir(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if !synced[d] {
			syncDir(d)
			synced[d] = true
		}
	}
	if len(created) > 0 {
		syncDir(dir)
	}
	return records, nil
}

// makeParents creates the missing directories between dir and the file
// name (a clean relative path with slashes), appending those it made to
// created.
func makeParents(dir, name string, created *[]string) error {
	parts := strings.Split(name, "/")
	d := dir
	for _, p := range parts[:len(parts)-1] {
		d = filepath.Join(d, p)
		err := os.Mkdir(d, 0o755)
		if err == nil {
			*created = append(*created, d)
			continue
		}
		if fi, serr := os.Lstat(d); serr == nil && fi.IsDir() {
			continue // a real directory, not a symlink to one
		}
		return fmt.Errorf("create directory %s: %w", d, err)
	}
	return nil
}

// writeTemp writes f to a new temporary file beside its final path and
// returns its path (empty if it could not be created) and the record of
// what it wrote.
func writeTemp(ctx context.Context, dir string, f File) (string, FileRecord, error) {
	final := filepath.Join(dir, filepath.FromSlash(f.Name))
	tmp, err := os.CreateTemp(filepath.Dir(final), tempPrefix+filepath.Base(final)+".*.tmp")
	if err != nil {
		return "", FileRecord{}, fmt.Errorf("create %s: %w", final, err)
	}
	fail := func(what string, err error) (string, FileRecord, error) {
		tmp.Close()
		return tmp.Name(), FileRecord{}, fmt.Errorf("%s %s: %w", what, final, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail("create", err)
	}
	h := sha256.New()
	cw := &countWriter{w: ctxWriter{ctx: ctx, w: io.MultiWriter(tmp, h)}}
	bw := bufio.NewWriterSize(cw, 64<<10)
	if err := f.Write(bw); err != nil {
		return fail("write", err)
	}
	if err := bw.Flush(); err != nil {
		return fail("write", err)
	}
	if err := tmp.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := tmp.Close(); err != nil {
		return tmp.Name(), FileRecord{}, fmt.Errorf("close %s: %w", final, err)
	}
	return tmp.Name(), FileRecord{Name: f.Name, Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// syncDir makes the renames in dir durable where the system allows it.
// Errors are ignored: some file systems cannot sync a directory, and the
// files themselves are already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
