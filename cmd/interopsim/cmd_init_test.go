package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interopsim/interopsim/scenarios"
)

func TestInit(t *testing.T) {
	t.Chdir(t.TempDir())
	code, stdout, stderr := cli(t, "init", "my-world")
	if code != exitOK || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	for _, want := range []string{"wrote my-world.yaml", "interopsim validate my-world.yaml", "interopsim run my-world.yaml"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	sc, err := scenarios.Load("my-world.yaml")
	if err != nil {
		t.Fatalf("the new file does not load: %v", err)
	}
	if sc.Config.Name != "my-world" {
		t.Errorf("got scenario name %q, want my-world", sc.Config.Name)
	}
	// The copy lives outside the repository: its header says where the
	// data it cites are.
	if b, _ := os.ReadFile("my-world.yaml"); !strings.Contains(string(b), "from the root of the interopsim repository") || !strings.Contains(string(b), "scenarios/data/README.md") {
		t.Errorf("the copy's header does not say where the cited data are:\n%.800s", b)
	}
	if code, _, stderr := cli(t, "validate", "-q", "my-world.yaml"); code != exitOK {
		t.Errorf("validate the new file: got exit %d: %s", code, stderr)
	}

	// An existing file is kept unless --force.
	if err := os.WriteFile("my-world.yaml", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, "init", "my-world")
	if code != exitFailure || !strings.Contains(stderr, "my-world.yaml exists: use --force to overwrite it") {
		t.Errorf("existing file: got exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile("my-world.yaml"); string(b) != "mine" {
		t.Errorf("existing file changed to %q", b)
	}
	if code, _, stderr := cli(t, "init", "my-world", "--force"); code != exitOK {
		t.Errorf("--force: got exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile("my-world.yaml"); string(b) == "mine" {
		t.Errorf("--force did not overwrite")
	}
}

func TestInitPath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("sc", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, b := range scenarios.Builtins() {
		t.Run(b.Name, func(t *testing.T) {
			path := filepath.Join("sc", "copy_of_"+strings.ReplaceAll(b.Name, "-", "_")+".yaml")
			code, _, stderr := cli(t, "init", path, "--from", b.Name)
			if code != exitOK {
				t.Fatalf("got exit %d: %s", code, stderr)
			}
			sc, err := scenarios.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(filepath.Base(path), ".yaml")
			if sc.Config.Name != want {
				t.Errorf("got name %q, want %q", sc.Config.Name, want)
			}
		})
	}
	code, _, stderr := cli(t, "init", filepath.Join("missing", "x.yaml"))
	if code != exitFailure || !strings.Contains(stderr, "interopsim: init: ") {
		t.Errorf("missing directory: got exit %d, %q", code, stderr)
	}
}
