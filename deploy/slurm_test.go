package deploy

import (
	"os"
	"os/exec"
	"testing"
)

// TestSlurmLocal runs deploy/slurm/test-local.sh, which sets up a
// one-node Slurm cluster on this host, runs a sweep as a job array with
// its merge and checks the merged bytes against a single-process sweep.
// It needs root, slurm-wlm and munge, and takes about a minute, so it
// runs only when INTEROPSIM_SLURM_TEST=1.
func TestSlurmLocal(t *testing.T) {
	if os.Getenv("INTEROPSIM_SLURM_TEST") != "1" {
		t.Skip("needs a one-node Slurm: set INTEROPSIM_SLURM_TEST=1 to run deploy/slurm/test-local.sh (root, apt-get install slurm-wlm munge)")
	}
	if _, err := exec.LookPath("slurmctld"); err != nil {
		t.Skip("slurmctld not found: apt-get install slurm-wlm munge, then run deploy/slurm/test-local.sh")
	}
	out, err := exec.Command("bash", "slurm/test-local.sh").CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("deploy/slurm/test-local.sh: %v", err)
	}
}
