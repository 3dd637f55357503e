package output

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileRecord records a file that interopsim wrote into a directory, so
// that a later job can tell its own files, unchanged, from everything
// else: it deletes or replaces only files whose record still matches.
type FileRecord struct {
	// Name is the file's path relative to the directory, with slashes.
	Name string `json:"name"`
	// Bytes is the file's size.
	Bytes int64 `json:"bytes"`
	// SHA256 is the hex SHA-256 of the file's content.
	SHA256 string `json:"sha256"`
}

// Job identifies the inputs that fix a job's results: two jobs with the
// same Key write the same numbers. A run's Job comes from its scenario
// and flags before it runs, and from its summary.json afterwards.
type Job struct {
	// Scenario is the scenario's name and File where it came from.
	Scenario, File string
	// ResolvedSHA256 is the hex SHA-256 of the resolved scenario (the
	// bytes of scenario.yaml), which holds the seed and agents.
	ResolvedSHA256 string
	// Seed, Agents, Engine and Runs are those of the run.
	Seed   uint64
	Agents int
	Engine string
	Runs   int
	// Baseline and BaselineSHA256 name a comparison's baseline and the
	// hash of its resolved scenario; both are empty for a run.
	Baseline, BaselineSHA256 string
	// CommonRandomNumbers is a comparison's choice of random streams.
	CommonRandomNumbers bool
	// ParamDraws is the number of parameter sets of the replicates and
	// DrawsSHA256 the hash of the file they come from; 0 and empty
	// without parameter draws.
	ParamDraws  int
	DrawsSHA256 string
}

// Same says whether j and k have the same inputs, and so the same
// results.
func (j Job) Same(k Job) bool {
	return j.ResolvedSHA256 == k.ResolvedSHA256 && j.Engine == k.Engine && j.Runs == k.Runs &&
		j.BaselineSHA256 == k.BaselineSHA256 && j.CommonRandomNumbers == k.CommonRandomNumbers &&
		j.ParamDraws == k.ParamDraws && j.DrawsSHA256 == k.DrawsSHA256
}

// String describes j for a user: "run of scenario x (file f, resolved
// SHA-256 0123abcd, seed 1, 400000 agents, agents engine, 1 run)".
func (j Job) String() string {
	kind := "run"
	if j.Baseline != "" {
		kind = "comparison"
	}
	runs := "1 run"
	if j.Runs != 1 {
		runs = fmt.Sprintf("%d runs", j.Runs)
	}
	s := fmt.Sprintf("%s of scenario %s (file %s, resolved SHA-256 %.8s, seed %d, %d agents, %s engine, %s",
		kind, j.Scenario, j.File, j.ResolvedSHA256, j.Seed, j.Agents, j.Engine, runs)
	if j.Baseline != "" {
		s += fmt.Sprintf(", baseline %s %.8s", j.Baseline, j.BaselineSHA256)
		if !j.CommonRandomNumbers {
			s += ", independent streams"
		}
	}
	if j.ParamDraws > 0 {
		s += fmt.Sprintf(", %d parameter draws %.8s", j.ParamDraws, j.DrawsSHA256)
	}
	return s + ")"
}

// Job returns the job whose results s summarises.
func (s *Summary) Job() Job {
	p := &s.Provenance
	j := Job{
		Scenario: p.Scenario, File: p.ScenarioFile, ResolvedSHA256: p.ResolvedSHA256,
		Seed: p.Seed, Agents: p.Agents, Engine: p.Engine, Runs: p.Runs,
	}
	if c := s.Comparison; c != nil {
		j.Baseline, j.BaselineSHA256, j.CommonRandomNumbers = c.Baseline, c.BaselineSHA256, c.CommonRandomNumbers
	}
	if u := s.Uncertainty; u != nil && u.Parameters != nil {
		j.ParamDraws, j.DrawsSHA256 = u.Parameters.Draws, u.Parameters.SHA256
	}
	return j
}

// DirInUseError is returned by PrepareDir for a directory whose files the
// job must not replace or mix its results with.
type DirInUseError struct {
	// Dir is the directory.
	Dir string
	// What says what the directory holds.
	What string
	// Forceable says whether --force (PrepareDir's force) would accept
	// the directory: true when it holds another job's results, false
	// when the job would replace files interopsim did not write.
	Forceable bool
}

// Error returns "output directory DIR holds WHAT".
func (e *DirInUseError) Error() string {
	return fmt.Sprintf("output directory %s holds %s", e.Dir, e.What)
}

// ManifestFile is the record of the files that 'interopsim plot' wrote
// into a directory other than a run's: the FileRecords as a JSON list.
// In a run's directory the record is summary.json's files.
const ManifestFile = ".interopsim.json"

// Dir is an output directory prepared for a job's results by PrepareDir:
// it knows which of the files there interopsim wrote and which it did
// not, and writes the new results without touching the latter.
type Dir struct {
	// Path is the directory.
	Path string
	// Created says whether PrepareDir created it.
	Created bool
	// created are the directories PrepareDir created, dir last: Abandon
	// removes them again if empty.
	created []string
	// lock is held from PrepareDir to Close.
	lock *Lock
	// owned are the files of the earlier job, as recorded and still
	// unchanged, by name.
	owned map[string]FileRecord
	// foreign are the other files, as names relative to Path with
	// slashes, sorted. They are never removed or replaced.
	foreign []string
	// manifest is where the record of files is kept: SummaryFile for a
	// job's directory, ManifestFile for plot's.
	manifest string
}

// Foreign returns the files in the directory that interopsim did not
// write, or that changed since it wrote them, sorted. The job leaves them
// alone.
func (d *Dir) Foreign() []string { return d.foreign }

// PrepareDir makes dir ready for the results of job, which may write the
// files named in mayWrite (relative paths with slashes; summary.json is
// always among them). It creates dir and its parents when missing.
//
// In an existing directory it reads the record of the files interopsim
// wrote there (summary.json's files) and checks each against the disk;
// every other file, and every recorded file that has since changed, is
// the user's. It is refused with a *DirInUseError when
//   - a file the job may write is the user's: it would be replaced, and
//     force does not change that;
//   - the directory holds the results of a job with other inputs (see
//     Job.Same), unless force is set: the new results then replace them.
//
// Results of the same job are replaced without asking. Files of the
// user's that the job does not write are left alone.
//
// The directory is locked (see LockDir) until Close: a second job into it
// fails at once with a *DirLockedError. Taking the lock finishes a commit
// that a crash interrupted and removes the temporary files of killed
// jobs.
func PrepareDir(dir string, job Job, mayWrite []string, force bool) (*Dir, error) {
	d, err := openDir(dir, SummaryFile)
	if err != nil || d.Created {
		return d, err
	}
	old, err := d.scan()
	if err == nil {
		err = d.checkConflicts(mayWrite)
	}
	if err == nil && old != nil && len(d.owned) > 0 && !force {
		if prev := old.Job(); !prev.Same(job) {
			err = &DirInUseError{Dir: dir, Forceable: true, What: fmt.Sprintf(
				"the results of another %s, which this %s would replace", prev, job)}
		}
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// PrepareFigureDir makes dir ready for figures that 'interopsim plot'
// draws, as PrepareDir does for a job, without the check of whose
// results they are: mayWrite are the figures' paths relative to dir. The
// record of files is summary.json's when dir holds a run's results, else
// ManifestFile.
func PrepareFigureDir(dir string, mayWrite []string) (*Dir, error) {
	d, err := openDir(dir, ManifestFile)
	if err != nil || d.Created {
		return d, err
	}
	_, err = d.scan()
	if err == nil {
		err = d.checkConflicts(mayWrite)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// openDir returns the Dir of dir whose record of files is manifest,
// locked, creating dir and its parents when missing (Created is then
// set, and created lists them).
func openDir(dir, manifest string) (*Dir, error) {
	d := &Dir{Path: dir, manifest: manifest}
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := d.makeDir(); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
		d.Created = true
	} else if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("output directory %s exists and is not a directory", dir)
	}
	d.lock, err = LockDir(dir)
	if err != nil {
		d.Abandon()
		return nil, err
	}
	return d, nil
}

// makeDir creates d.Path and its missing parents, recording in d.created
// those it made.
func (d *Dir) makeDir() error {
	var missing []string
	for p := filepath.Clean(d.Path); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if err == nil {
			d.created = append(d.created, missing[i])
			continue
		}
		if fi, serr := os.Stat(missing[i]); serr == nil && fi.IsDir() {
			continue // made meanwhile by another process
		}
		d.Abandon()
		return err
	}
	return nil
}

// Close releases the directory's lock. It may be called more than once.
func (d *Dir) Close() {
	d.lock.Release()
}

// scan reads the record of files in d and sorts the files on disk into
// owned and foreign. It returns the directory's summary when it has one
// with a record.
func (d *Dir) scan() (*Summary, error) {
	records, s, err := d.readRecord()
	if err != nil {
		return nil, err
	}
	d.owned = map[string]FileRecord{}
	var files []string
	err = filepath.WalkDir(d.Path, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, rerr := filepath.Rel(d.Path, path)
		if rerr != nil {
			return rerr
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
			return nil
		case e.IsDir():
			if rel != PlotsDir {
				d.foreign = append(d.foreign, rel+"/")
				return fs.SkipDir
			}
			return nil
		case strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular():
			return nil // left by an interrupted write
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read output directory: %w", err)
	}
	for _, rel := range files {
		if rel == d.manifest && records != nil {
			continue // the record itself
		}
		r, ok := records[rel]
		if ok {
			same, err := matches(d.Path, r)
			if err != nil {
				return nil, fmt.Errorf("read output directory: %w", err)
			}
			ok = same
		}
		if ok {
			d.owned[rel] = r
		} else {
			d.foreign = append(d.foreign, rel)
		}
	}
	slices.Sort(d.foreign)
	return s, nil
}

// readRecord reads the record of files of d: nil if there is none, or
// when the file that should hold it is not interopsim's (it is then a
// foreign file like any other). For a job's directory it also returns
// the summary.
func (d *Dir) readRecord() (map[string]FileRecord, *Summary, error) {
	path := filepath.Join(d.Path, d.manifest)
	b, err := readRegular(path)
	if errors.Is(err, fs.ErrNotExist) && d.manifest == ManifestFile {
		// plot into a run's directory keeps the run's record
		if sb, serr := readRegular(filepath.Join(d.Path, SummaryFile)); serr == nil {
			if s, rerr := ReadSummary(strings.NewReader(string(sb)), SummaryFile); rerr == nil && s.Files != nil {
				d.manifest = SummaryFile
				return recordMap(s.Files), s, nil
			}
		}
		return nil, nil, nil
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotRegular) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read output directory: %w", err)
	}
	if d.manifest == ManifestFile {
		var records []FileRecord
		if json.Unmarshal(b, &records) != nil {
			return nil, nil, nil
		}
		return recordMap(records), nil, nil
	}
	s, err := ReadSummary(strings.NewReader(string(b)), path)
	if err != nil || s.Provenance.Scenario == "" || s.Files == nil {
		return nil, nil, nil // not a summary of this version: the user's file
	}
	return recordMap(s.Files), s, nil
}

var errNotRegular = errors.New("not a regular file")

// readRegular reads the file path if it is a regular file.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return os.ReadFile(path)
}

func recordMap(records []FileRecord) map[string]FileRecord {
	m := make(map[string]FileRecord, len(records))
	for _, r := range records {
		if r.Name != "" && filepath.IsLocal(filepath.FromSlash(r.Name)) {
			m[r.Name] = r
		}
	}
	return m
}

// matches says whether the file of r in dir is still as recorded: a
// regular file of that size and hash.
func matches(dir string, r FileRecord) (bool, error) {
	path := filepath.Join(dir, filepath.FromSlash(r.Name))
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() || fi.Size() != r.Bytes {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == r.SHA256, nil
}

// checkConflicts refuses names that would replace a foreign file.
func (d *Dir) checkConflicts(names []string) error {
	var hit []string
	for _, n := range names {
		if slices.Contains(d.foreign, n) || slices.Contains(d.foreign, n+"/") {
			hit = append(hit, n)
		}
		// A file or symlink of the user's where a subdirectory goes
		// (plots/): writing through it could replace files elsewhere.
		if dir, _, ok := strings.Cut(n, "/"); ok && slices.Contains(d.foreign, dir) && !slices.Contains(hit, dir) {
			hit = append(hit, dir)
		}
	}
	if len(hit) == 0 {
		return nil
	}
	return &DirInUseError{Dir: d.Path, What: fmt.Sprintf(
		"%s, which interopsim did not write or which changed since it wrote %s, and this job would replace or write through %s: move %s away or choose another output directory",
		listNames(hit), them(hit), them(hit), them(hit))}
}

func them(names []string) string {
	if len(names) == 1 {
		return "it"
	}
	return "them"
}

// listNames lists names, the first few in full.
func listNames(names []string) string {
	const shown = 4
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	return list
}

// Abandon releases the lock and removes the directory and the parents
// that PrepareDir created, each only if it is empty: a job that writes
// nothing leaves nothing behind.
func (d *Dir) Abandon() {
	d.Close()
	for i := len(d.created) - 1; i >= 0; i-- {
		if os.Remove(d.created[i]) != nil {
			return
		}
	}
}

// WriteJob writes a job's files and its summary s into the directory as
// one set: s.Files is set to the record of the files as written, and
// summary.json holds it. The files of the earlier job that this one does
// not write are removed, if still unchanged, and plots/ too if that
// leaves it empty. All of this is one commit: the new files are written
// to temporary files, and once all are written and synced a commit
// record (JournalFile) is made durable, after which the renames and
// removals are carried out; a crash before that point leaves the
// directory as it was, a crash after it is rolled forward by the next
// job. When ctx ends before the commit point, WriteJob stops writing and
// returns ErrCanceled, having changed nothing.
//
// Files that are not interopsim's are never touched: if one now stands
// where a file must be written, nothing is written.
func (d *Dir) WriteJob(ctx context.Context, files []File, s *Summary) error {
	if err := d.recheck(append(names(files), SummaryFile)); err != nil {
		return err
	}
	writing := make(map[string]bool, len(files)+1)
	for _, f := range files {
		writing[f.Name] = true
	}
	writing[SummaryFile] = true
	removes := []FileRecord{}
	for _, name := range slices.Sorted(mapKeys(d.owned)) {
		if !writing[name] {
			removes = append(removes, d.owned[name])
		}
	}
	_, err := writeSet(ctx, d.Path, files, func(records []FileRecord) File {
		s.Files = records
		return File{Name: SummaryFile, Write: func(w io.Writer) error { return WriteSummary(w, s) }}
	}, removes)
	if err != nil {
		d.Abandon()
		return err
	}
	// The set written is now the directory's own: a later WriteJob on d
	// (a sweep's next checkpoint) replaces it.
	d.owned = recordMap(s.Files)
	return nil
}

// WriteFigures writes figure files into the directory as one set, each
// named prefix + its name (prefix is "plots/" or empty), together with
// its record of files to which they are added (summary.json's when it is
// a run's directory, else ManifestFile), in one commit as WriteJob does.
// Files that are not interopsim's are never replaced.
func (d *Dir) WriteFigures(ctx context.Context, files []File, prefix string) error {
	full := make([]File, len(files))
	for i, f := range files {
		full[i] = File{Name: prefix + f.Name, Write: f.Write}
	}
	if err := d.recheck(names(full)); err != nil {
		return err
	}
	var s *Summary
	if d.manifest == SummaryFile {
		var err error
		if _, s, err = d.readRecord(); err != nil || s == nil {
			return fmt.Errorf("update %s: the run's summary changed while the figures were drawn", SummaryFile)
		}
	}
	foreignRecord := d.manifest == ManifestFile && slices.Contains(d.foreign, ManifestFile)
	var final func([]FileRecord) File
	if !foreignRecord {
		final = func(records []FileRecord) File {
			all := maps.Clone(d.owned)
			for _, r := range records {
				all[r.Name] = r
			}
			list := make([]FileRecord, 0, len(all))
			for _, name := range slices.Sorted(mapKeys(all)) {
				list = append(list, all[name])
			}
			if s != nil {
				s.Files = list
				return File{Name: SummaryFile, Write: func(w io.Writer) error { return WriteSummary(w, s) }}
			}
			return File{Name: ManifestFile, Write: func(w io.Writer) error {
				b, err := json.MarshalIndent(list, "", "  ")
				if err != nil {
					return err
				}
				_, err = w.Write(append(b, '\n'))
				return err
			}}
		}
	}
	records, err := writeSet(ctx, d.Path, full, final, []FileRecord{})
	if err != nil {
		d.Abandon()
		return err
	}
	for _, r := range records {
		d.owned[r.Name] = r
	}
	if foreignRecord {
		return fmt.Errorf("update %s: it is not interopsim's record of files; the figures are written, but remove it so that a later plot may replace them", filepath.Join(d.Path, ManifestFile))
	}
	return nil
}

// recheck checks again, just before writing, that no file that is not
// interopsim's stands where names go: the directory may have changed
// while the job ran.
func (d *Dir) recheck(names []string) error {
	if d.owned == nil {
		d.owned = map[string]FileRecord{}
	}
	var hit []string
	for _, n := range names {
		path := filepath.Join(d.Path, filepath.FromSlash(n))
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		r, ok := d.owned[n]
		if n == d.manifest {
			continue // the record, rewritten by interopsim
		}
		if ok {
			if same, err := matches(d.Path, r); err == nil && same {
				continue
			}
		}
		hit = append(hit, n)
	}
	if len(hit) == 0 {
		return nil
	}
	return &DirInUseError{Dir: d.Path, What: fmt.Sprintf(
		"%s, which interopsim did not write or which changed since it wrote %s: nothing was written; move %s away or choose another output directory",
		listNames(hit), them(hit), them(hit))}
}

func names(files []File) []string {
	n := make([]string, len(files))
	for i, f := range files {
		n[i] = f.Name
	}
	return n
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
