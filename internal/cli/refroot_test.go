package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const petsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "../shared/pet.yaml#/Pet"}
`

const petSchema = `Pet:
  type: object
  properties:
    name: {type: string, description: kept-out-unless-allowed}
`

// TestRefRootEndToEnd: a spec whose $ref leaves its folder is refused by
// new-service and regenerate, with nothing written, until --ref-root
// names a folder holding both.
func TestRefRootEndToEnd(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{"api/pets.yaml": petsSpec, "shared/pet.yaml": petSchema} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	spec := filepath.Join(root, "api", "pets.yaml")
	out := filepath.Join(root, "svc")

	code, _, stderr := run("new-service", "--spec", spec, "--out", out)
	if code != exitError || !strings.Contains(stderr, `$ref "../shared/pet.yaml#/Pet" refused: outside the spec's folder`) {
		t.Fatalf("new-service without --ref-root: exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "kept-out") {
		t.Errorf("the refusal shows the file's content:\n%s", stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("new-service wrote the service although the spec was refused")
	}

	if code, _, stderr := run("new-service", "--spec", spec, "--out", out, "--ref-root", root); code != exitOK {
		t.Fatalf("new-service --ref-root: exit %d\n%s", code, stderr)
	}

	// regenerate from the spec kept outside: the same fence.
	if code, _, stderr := run("regenerate", "--dir", out, "--spec", spec, "--check"); code != exitError || !strings.Contains(stderr, "refused: outside the spec's folder") {
		t.Errorf("regenerate --spec without --ref-root: exit %d\n%s", code, stderr)
	}
	if code, stdout, stderr := run("regenerate", "--dir", out, "--spec", spec, "--ref-root", root, "--check"); code != exitOK {
		t.Errorf("regenerate --spec --ref-root: exit %d\n%s%s", code, stdout, stderr)
	}
}
