// compose-lint checks the rules of this repository that `docker compose config` does not: it
// loads the files given on the command line the way the compose CLI does (compose-go, the
// library compose itself loads and validates with: schema, interpolation, overlays, profiles)
// and checks every service that this combination of files starts.
//
//	compose-lint docker-compose.yml [compose/servers.yml]
//
// It prints one line per broken rule and exits 1 if there is any, 2 if the files do not load.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-lint <compose file>...")
		os.Exit(2)
	}
	project, err := load(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-lint: %v\n", err)
		os.Exit(2)
	}
	problems := lint(project)
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// load reads the files as `docker compose -f a -f b` would, without the caller's environment or
// .env, so that the defaults written in the files are what is checked.
func load(files []string) (*types.Project, error) {
	options, err := cli.NewProjectOptions(files,
		cli.WithName("lint"),
		cli.WithEnv([]string{}),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
		cli.WithNormalization(true),
	)
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

// lint returns the broken rules of the services the project starts, sorted.
func lint(project *types.Project) []string {
	var problems []string
	for name, service := range project.Services {
		for _, p := range lintService(project, service) {
			problems = append(problems, fmt.Sprintf("%s: %s", name, p))
		}
	}
	sort.Strings(problems)
	return problems
}

func lintService(project *types.Project, service types.ServiceConfig) []string {
	var problems []string
	// `up --wait` and `depends_on: service_healthy` mean something only with a healthcheck.
	if hc := service.HealthCheck; hc == nil || hc.Disable || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		problems = append(problems, "has no healthcheck")
	}
	if service.Build == nil {
		if tag := imageTag(service.Image); tag == "" || tag == "latest" {
			problems = append(problems, fmt.Sprintf("image %q is not pinned to a version", service.Image))
		}
	}
	// Development passwords are published in this repository: nothing listens beyond this host.
	for _, port := range service.Ports {
		if port.Published == "" || port.HostIP == "127.0.0.1" || port.HostIP == "::1" {
			continue
		}
		host := port.HostIP
		if host == "" {
			host = "every interface"
		}
		problems = append(problems,
			fmt.Sprintf("publishes port %d on %s, not on loopback (127.0.0.1)", port.Target, host))
	}
	// Started is not ready: a server that takes seconds to accept connections fails its dependents.
	for dependency, condition := range service.DependsOn {
		target, ok := project.Services[dependency]
		if ok && target.HealthCheck != nil && condition.Condition != types.ServiceConditionHealthy {
			problems = append(problems,
				fmt.Sprintf("depends on %s with condition %q: use service_healthy", dependency, condition.Condition))
		}
	}
	// Docker creates a missing bind-mount source as an empty directory: a renamed file would
	// start the service with no configuration and no error.
	for _, volume := range service.Volumes {
		if volume.Type != types.VolumeTypeBind {
			continue
		}
		if _, err := os.Stat(volume.Source); err != nil {
			problems = append(problems, fmt.Sprintf("mounts %s, which does not exist", volume.Source))
		}
	}
	return problems
}

// imageTag is the tag of an image reference ("" when there is none; a digest counts as pinned).
func imageTag(image string) string {
	for i := len(image) - 1; i >= 0; i-- {
		switch image[i] {
		case '@':
			return image[i+1:]
		case ':':
			return image[i+1:]
		case '/':
			return ""
		}
	}
	return ""
}
