package output

import "runtime/debug"

// ProgramVersion returns the version of the running program, as recorded
// in summary.json: the main module's version when it was built from a
// tagged or stamped module; otherwise the VCS revision it was built from,
// with "+modified" when the working tree had uncommitted changes; and
// "devel" when neither is known (as under go test or go run).
func ProgramVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if modified {
		rev += "+modified"
	}
	return rev
}
