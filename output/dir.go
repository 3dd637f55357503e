package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DirInUseError is returned by PrepareDir for a directory that holds
// files it must not mix new results with.
type DirInUseError struct {
	// Dir is the directory.
	Dir string
	// What says what the directory holds.
	What string
}

// Error returns "output directory DIR holds WHAT".
func (e *DirInUseError) Error() string {
	return fmt.Sprintf("output directory %s holds %s", e.Dir, e.What)
}

// resultNames are the files that a run writes into its directory.
var resultNames = map[string]bool{
	MetricsFile: true, SummaryFile: true, ScenarioFile: true, ReportFile: true, RunsFile: true,
	BaselineFile: true, BaselineRunsFile: true, BaselineScenarioFile: true, EffectsFile: true, EffectsAtFile: true,
}

// ResultNames returns the names of the data files a job may write into
// its directory (figures aside), sorted.
func ResultNames() []string {
	names := make([]string, 0, len(resultNames))
	for n := range resultNames {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// PrepareDir makes dir ready to receive the results of the scenario named
// scenario, or of the comparison whose Summary.Identity is scenario: it
// creates dir (and its parents) when missing. An existing
// directory may hold only results of the same scenario, which the new
// ones replace, and temporary files left by an interrupted write;
// results include a PlotsDir subdirectory holding figure files (ending in
// one of PlotExts) and temporary files. It is
// refused with a *DirInUseError when it holds another scenario's results,
// results without a summary saying whose they are, or any other file;
// force skips these checks. Existing files are never removed.
func PrepareDir(dir, scenario string, force bool) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create output directory: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output directory %s exists and is not a directory", dir)
	}
	if force {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read output directory: %w", err)
	}
	var foreign []string
	hasSummary, hasResults := false, false
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, tempPrefix) && e.Type().IsRegular():
		case resultNames[name] && e.Type().IsRegular():
			hasResults = true
			hasSummary = hasSummary || name == SummaryFile
		case name == PlotsDir && e.IsDir():
			plots, others, err := readPlotsDir(filepath.Join(dir, name))
			if err != nil {
				return fmt.Errorf("read output directory: %w", err)
			}
			hasResults = hasResults || plots
			foreign = append(foreign, others...)
		default:
			if e.IsDir() {
				name += "/"
			}
			foreign = append(foreign, name)
		}
	}
	if len(foreign) > 0 {
		const shown = 3
		list := strings.Join(foreign[:min(len(foreign), shown)], ", ")
		if len(foreign) > shown {
			list += fmt.Sprintf(" and %d more", len(foreign)-shown)
		}
		return &DirInUseError{Dir: dir, What: "files that are not interopsim results: " + list}
	}
	if !hasResults {
		return nil
	}
	if !hasSummary {
		return &DirInUseError{Dir: dir, What: "interopsim results without " + SummaryFile + " to say which scenario they belong to"}
	}
	path := filepath.Join(dir, SummaryFile)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	defer f.Close()
	s, err := ReadSummary(f, path)
	if err != nil || s.Provenance.Scenario == "" {
		return &DirInUseError{Dir: dir, What: "a " + SummaryFile + " that is not an interopsim summary"}
	}
	if id := s.Identity(); id != scenario {
		kind := "scenario"
		if s.Comparison != nil {
			kind = "comparison"
		}
		return &DirInUseError{Dir: dir, What: fmt.Sprintf("results of %s %q", kind, id)}
	}
	return nil
}

// readPlotsDir reads a PlotsDir subdirectory and says whether it holds
// figure files, and lists those entries that are neither figures nor
// temporary files, as "plots/name".
func readPlotsDir(dir string) (plots bool, others []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, nil, err
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular():
			if e.IsDir() {
				name += "/"
			}
			others = append(others, PlotsDir+"/"+name)
		case strings.HasPrefix(name, tempPrefix):
		case slices.Contains(PlotExts, filepath.Ext(name)) && !strings.HasPrefix(name, "."):
			plots = true
		default:
			others = append(others, PlotsDir+"/"+name)
		}
	}
	return plots, others, nil
}
