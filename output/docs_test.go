package output

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/sim"
)

// TestDataDictionary checks that docs/metrics.md documents every metric
// with its entity form, every column of the CSV files and the schema
// version, so that the dictionary cannot fall behind the code.
func TestDataDictionary(t *testing.T) {
	b, err := os.ReadFile("../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, m := range sim.Metrics {
		entity := m.Entity
		if entity == "2+" {
			entity = "`2+`"
		}
		if row := "| `" + m.Name + "` | " + entity + " | "; !strings.Contains(doc, row) {
			t.Errorf("docs/metrics.md lacks the row of metric %s starting %q", m.Name, row)
		}
	}
	for _, cols := range [][]string{StatColumns, RunColumns, EffectColumns} {
		for _, c := range cols {
			if !strings.Contains(doc, "`"+c+"`") {
				t.Errorf("docs/metrics.md does not document the column %s", c)
			}
		}
	}
	for _, m := range SummaryMetrics {
		if !strings.Contains(doc, "`"+m+"`") {
			t.Errorf("docs/metrics.md does not name the summary metric %s", m)
		}
	}
	if !strings.Contains(doc, "**schema version "+strconv.Itoa(SchemaVersion)+"**") || !strings.Contains(doc, "| "+strconv.Itoa(SchemaVersion)+" | ") {
		t.Errorf("docs/metrics.md does not describe schema version %d", SchemaVersion)
	}
}
