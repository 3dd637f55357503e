package output

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWriteJobCanceledWhileWriting: a context that ends while a large
// file is being written stops the write at once, and the directory is
// left as it was, without temporary files.
func TestWriteJobCanceledWhileWriting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	writeJob(t, dir, testJob, MetricsFile, "plots/a.png")
	before := listTree(t, dir)
	d, err := PrepareDir(dir, otherJob, []string{MetricsFile, SummaryFile}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	written := 0
	huge := File{Name: MetricsFile, Write: func(w io.Writer) error {
		chunk := []byte(strings.Repeat("x", 1<<16))
		for range 1 << 14 { // 1 GiB unless stopped
			if _, err := w.Write(chunk); err != nil {
				return err
			}
			if written += len(chunk); written == 1<<20 {
				cancel()
			}
		}
		return nil
	}}
	err = d.WriteJob(ctx, []File{huge}, &Summary{})
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("got %v, want ErrCanceled", err)
	}
	if written > 2<<20 {
		t.Errorf("wrote %d bytes after the cancel, want the write stopped at once", written-(1<<20))
	}
	d.Close()
	if got := listTree(t, dir); !slices.Equal(got, before) {
		t.Errorf("directory holds %q, want %q as it was", got, before)
	}
	if got := readString(t, filepath.Join(dir, MetricsFile)); got != MetricsFile {
		t.Errorf("metrics.csv holds %q, want the earlier job's", got)
	}
}

// TestRecoverHostileRecord: a commit record that names paths outside the
// directory, or renames from files that are not interopsim's
// temporaries, is not interopsim's: nothing is renamed or removed.
func TestRecoverHostileRecord(t *testing.T) {
	for _, record := range []string{
		`{"renames":[{"from":"../victim/.interopsim-a.1.tmp","to":"../victim/a"}],"removes":[]}`,
		`{"renames":[{"from":"notes.txt","to":"metrics.csv"}],"removes":[]}`,
		`{"renames":[],"removes":[{"name":"../victim/a","bytes":1,"sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}]}`,
		`{"renames":[{"from":"link/.interopsim-a.1.tmp","to":"link/a"}],"removes":[]}`,
	} {
		base := t.TempDir()
		dir, victim := filepath.Join(base, "run"), filepath.Join(base, "victim")
		put(t, victim, "a", "a")
		put(t, victim, ".interopsim-a.1.tmp", "new")
		put(t, dir, "notes.txt", "mine")
		put(t, dir, MetricsFile, "old")
		os.Symlink(victim, filepath.Join(dir, "link"))
		put(t, dir, JournalFile, record)
		lock, err := LockDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		lock.Release()
		if got := readString(t, filepath.Join(victim, "a")); got != "a" {
			t.Errorf("%s: victim/a holds %q, want it untouched", record, got)
		}
		if got := readString(t, filepath.Join(dir, "notes.txt")); got != "mine" {
			t.Errorf("%s: notes.txt holds %q, want it untouched", record, got)
		}
		if got := readString(t, filepath.Join(dir, MetricsFile)); got != "old" {
			t.Errorf("%s: metrics.csv holds %q, want it untouched", record, got)
		}
	}
}

// TestRecoverRollsForward: a commit interrupted after its record was
// made durable is finished by the next LockDir: the renames not yet done
// are done, the earlier files recorded for removal go, and the record
// with them.
func TestRecoverRollsForward(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	writeJob(t, dir, testJob, MetricsFile, RunsFile)
	put(t, dir, ".interopsim-summary.json.7.tmp", "new summary")
	put(t, dir, MetricsFile, "new metrics") // renamed before the crash
	runs := FileRecord{Name: RunsFile, Bytes: int64(len(RunsFile))}
	for _, r := range mustSummary(t, dir).Files {
		if r.Name == RunsFile {
			runs = r
		}
	}
	record := `{"renames":[{"from":".interopsim-metrics.csv.3.tmp","to":"metrics.csv"},{"from":".interopsim-summary.json.7.tmp","to":"summary.json"}],` +
		`"removes":[{"name":"runs.csv","bytes":` + itoa(runs.Bytes) + `,"sha256":"` + runs.SHA256 + `"}]}`
	put(t, dir, JournalFile, record)
	lock, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	lock.Release()
	if got, want := listTree(t, dir), []string{MetricsFile, SummaryFile}; !slices.Equal(got, want) {
		t.Errorf("directory holds %q, want %q", got, want)
	}
	if got := readString(t, filepath.Join(dir, SummaryFile)); got != "new summary" {
		t.Errorf("summary.json holds %q, want the new one", got)
	}
}

func mustSummary(t *testing.T, dir string) *Summary {
	t.Helper()
	s, err := ReadSummary(strings.NewReader(readString(t, filepath.Join(dir, SummaryFile))), SummaryFile)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
