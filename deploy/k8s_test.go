package deploy

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// job is the part of a batch/v1 Job the tests read.
type job struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Command   []string `yaml:"command"`
					Resources struct {
						Requests map[string]string `yaml:"requests"`
					} `yaml:"resources"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name string `yaml:"name"`
					PVC  struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func readJob(t *testing.T, path string) *job {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j job
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if j.APIVersion != "batch/v1" || j.Kind != "Job" || len(j.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("%s: got %s %s with %d containers, want one batch/v1 Job container", path, j.APIVersion, j.Kind, len(j.Spec.Template.Spec.Containers))
	}
	if j.Spec.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("%s: restartPolicy %q, want Never (a failed shard is retried by the Job, not the kubelet)", path, j.Spec.Template.Spec.RestartPolicy)
	}
	return &j
}

// TestIndexedJob checks the sweep Job: an Indexed Job whose completions
// are the shards, each pod running the sweep with --shard from its
// completion index, into the shared volume.
func TestIndexedJob(t *testing.T) {
	j := readJob(t, "k8s/sweep-job.yaml")
	if j.Spec.CompletionMode != "Indexed" {
		t.Errorf("completionMode %q, want Indexed", j.Spec.CompletionMode)
	}
	n := j.Spec.Completions
	c := j.Spec.Template.Spec.Containers[0]
	cmd := strings.Join(c.Command, " ")
	if !strings.Contains(cmd, "interopsim sweep ") {
		t.Errorf("command %q does not run interopsim sweep", cmd)
	}
	want := fmt.Sprintf("--shard $((JOB_COMPLETION_INDEX + 1))/%d", n)
	if !strings.Contains(cmd, want) {
		t.Errorf("command %q lacks %q: completions (%d) must be the shards' count", cmd, want, n)
	}
	if !regexp.MustCompile(`--out /results/shard-\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)`).MatchString(cmd) {
		t.Errorf("command %q does not write /results/shard-I", cmd)
	}
	if c.Resources.Requests["memory"] == "" || c.Resources.Requests["cpu"] == "" {
		t.Errorf("requests %v, want cpu and memory", c.Resources.Requests)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/results" || j.Spec.Template.Spec.Volumes[0].PVC.ClaimName != "interopsim-results" {
		t.Error("the pods do not mount the interopsim-results claim at /results")
	}

	// The merge Job reads exactly shards 1..n and writes /results/merged.
	m := readJob(t, "k8s/merge-job.yaml")
	args := m.Spec.Template.Spec.Containers[0].Command
	if len(args) < 2 || args[0] != "interopsim" || args[1] != "merge" {
		t.Fatalf("merge command %v, want interopsim merge", args)
	}
	var shards []string
	for _, a := range args[2:] {
		if strings.HasPrefix(a, "/results/shard-") {
			shards = append(shards, a)
		}
	}
	if len(shards) != n {
		t.Errorf("merge reads %d shards, the sweep writes %d", len(shards), n)
	}
	for i, s := range shards {
		if s != fmt.Sprintf("/results/shard-%d", i+1) {
			t.Errorf("merge shard %d is %s, want /results/shard-%d", i+1, s, i+1)
		}
	}
	if !strings.Contains(strings.Join(args, " "), "--out /results/merged") {
		t.Errorf("merge command %v does not write /results/merged", args)
	}
}
