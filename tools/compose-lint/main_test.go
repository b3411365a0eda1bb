package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func lintFiles(t *testing.T, files ...string) []string {
	t.Helper()
	project, err := load(files)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return lint(project)
}

const healthy = "healthcheck: { test: ['CMD', 'true'] }"

func TestReportsEveryBrokenRule(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "compose.yml", `
services:
  db:
    image: postgres
    ports: ['5432:5432']
  cache:
    image: redis:latest
    `+healthy+`
    volumes: ['./missing.conf:/etc/redis.conf:ro']
  app:
    build: .
    depends_on: [db, cache]
`)
	want := []string{
		"app: depends on cache with condition \"service_started\": use service_healthy",
		"app: has no healthcheck",
		"cache: image \"redis:latest\" is not pinned to a version",
		"cache: mounts " + filepath.Join(dir, "missing.conf") + ", which does not exist",
		"db: has no healthcheck",
		"db: image \"postgres\" is not pinned to a version",
		"db: publishes port 5432 on every interface, not on loopback (127.0.0.1)",
	}
	if got := lintFiles(t, file); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

func TestAcceptsAPinnedHealthyLoopbackService(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "redis.conf", "")
	file := write(t, dir, "compose.yml", `
services:
  cache:
    image: registry.example:5000/redis:7.4@sha256:0123
    ports: ['127.0.0.1:6379:6379']
    volumes: ['./redis.conf:/etc/redis.conf:ro']
    `+healthy+`
  app:
    build: .
    depends_on: { cache: { condition: service_healthy } }
    `+healthy+`
`)
	if got := lintFiles(t, file); len(got) != 0 {
		t.Errorf("problems: %q", got)
	}
}

func TestChecksOnlyTheServicesAnOverlayLeavesEnabled(t *testing.T) {
	dir := t.TempDir()
	base := write(t, dir, "compose.yml", `
services:
  cache: { image: 'redis:7.4', `+healthy+` }
  tool: { image: 'busybox' }
`)
	overlay := write(t, dir, "overlay.yml", "services:\n  tool: { profiles: [tools] }\n")
	if got := lintFiles(t, base, overlay); len(got) != 0 {
		t.Errorf("problems: %q", got)
	}
	if got := lintFiles(t, base); len(got) != 2 {
		t.Errorf("without the overlay, want the tool's two problems, got %q", got)
	}
}

func TestRefusesAFileOutsideTheComposeSchema(t *testing.T) {
	file := write(t, t.TempDir(), "compose.yml", "services:\n  db: { image: 'postgres:17', helthcheck: {} }\n")
	if _, err := load([]string{file}); err == nil {
		t.Error("an unknown key loaded without an error")
	}
}
