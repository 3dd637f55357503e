// Package deploy holds no code: it is the home of the deployment files
// (deploy/slurm, deploy/k8s, test-cgroup-memory.sh) and of the tests that
// parse them (k8s_test.go), run by go test ./... like any package's.
//
// docs/distributed.md explains how to run a sweep on Slurm or
// Kubernetes; deploy/slurm/test-local.sh runs one on a one-node Slurm
// cluster on this host.
package deploy
