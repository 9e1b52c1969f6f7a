package generator

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/svcgen/svcgen/generator/file"
)

// TestComposeFile loads each generated compose.yaml with the Compose
// specification's own Go library, with schema validation, normalization and
// consistency checks on (what docker compose does before it runs anything),
// and checks it starts the service after a healthy PostgreSQL.
func TestComposeFile(t *testing.T) {
	for name, specPath := range examples(t) {
		t.Run(name, func(t *testing.T) {
			res := generateExample(t, name, specPath)
			dir := t.TempDir()
			var content []byte
			for _, f := range res.Files {
				if f.Path == "compose.yaml" {
					content = f.Content
					if f.Class != file.Scaffold {
						t.Errorf("compose.yaml is %s, want scaffold", f.Class)
					}
				}
				if f.Path == "compose.yaml" || f.Path == "Dockerfile" {
					if err := os.WriteFile(filepath.Join(dir, f.Path), f.Content, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if content == nil {
				t.Fatal("no compose.yaml generated")
			}
			details := types.ConfigDetails{
				WorkingDir:  dir,
				ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml"), Content: content}},
				Environment: types.Mapping{},
			}
			project, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
				o.SkipValidation = false
				o.SkipConsistencyCheck = false
				o.SkipNormalization = false
				o.ResolvePaths = true
			})
			if err != nil {
				t.Fatalf("compose.yaml does not load: %v\n%s", err, content)
			}
			svcName := res.Service.DeployName
			if project.Name != svcName {
				t.Errorf("project %q, want %q", project.Name, svcName)
			}
			want := []string{svcName, "postgres"}
			if res.Service.Events != nil {
				// Events go through a NATS JetStream container.
				want = append(want, "nats")
				app := project.Services[svcName]
				if url := app.Environment["NATS_URL"]; url == nil || *url != "nats://nats:4222" {
					t.Errorf("NATS_URL %v, want the nats service", url)
				}
				if n := project.Services["nats"]; !slices.Contains(n.Command, "-js") {
					t.Errorf("nats runs %v, without JetStream (-js)", n.Command)
				}
			}
			if got := project.ServiceNames(); !slices.Equal(sorted(got), sorted(want)) {
				t.Fatalf("services %v, want %v", got, want)
			}
			if _, ok := project.DisabledServices["jaeger"]; !ok {
				t.Error("no jaeger service behind a profile")
			}
			app, db := project.Services[svcName], project.Services["postgres"]
			if app.Build == nil || app.Build.Context != dir {
				t.Errorf("%s is not built from the service's folder: %+v", svcName, app.Build)
			}
			if dep, ok := app.DependsOn["postgres"]; !ok || dep.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s depends_on %+v, want postgres with condition service_healthy", svcName, app.DependsOn)
			}
			if db.HealthCheck == nil || len(db.HealthCheck.Test) == 0 || db.HealthCheck.Disable {
				t.Error("postgres has no healthcheck for service_healthy to wait for")
			}
			if url := app.Environment["DATABASE_URL"]; url == nil || len(*url) < len("postgres://") || (*url)[:len("postgres://")] != "postgres://" {
				t.Errorf("DATABASE_URL %v, want the postgres service", url)
			}
			if len(app.Ports) != 1 || app.Ports[0].Target != 8080 || app.Ports[0].Published != "8080" {
				t.Errorf("ports %+v, want 8080 published as PORT (default 8080)", app.Ports)
			}
			if !app.ReadOnly || !slices.Contains(app.CapDrop, "ALL") {
				t.Errorf("%s: read_only %v, cap_drop %v, want a read-only root and no capabilities", svcName, app.ReadOnly, app.CapDrop)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
