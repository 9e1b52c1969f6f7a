package load

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fenceSpec = `openapi: 3.0.3
info: {title: Orders, version: "1"}
paths:
  /orders:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "REF"
`

const fenceSecret = "Order:\n  type: object\n  description: do-not-leak-this-text\n"

// writeFenceSpec writes dir/api/spec.yaml referring to ref, and
// dir/shared/order.yaml, a file outside the spec's folder.
func writeFenceSpec(t *testing.T, dir, ref string) string {
	t.Helper()
	for _, d := range []string{"api", "shared"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "shared", "order.yaml"), []byte(fenceSecret), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "api", "spec.yaml")
	if err := os.WriteFile(spec, []byte(strings.Replace(fenceSpec, "REF", ref, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestFenceSymlink: a symlink inside the spec's folder that leads out of
// it, to a file or to a folder, does not let a $ref through.
func TestFenceSymlink(t *testing.T) {
	dir := t.TempDir()
	spec := writeFenceSpec(t, dir, "link.yaml#/Order")
	if err := os.Symlink(filepath.Join(dir, "shared", "order.yaml"), filepath.Join(dir, "api", "link.yaml")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	_, _, err := Load(context.Background(), spec)
	if err == nil || !strings.Contains(err.Error(), `$ref "link.yaml#/Order" refused: a symlink leads outside the spec's folder`) {
		t.Fatalf("a symlink out of the folder: got %v", err)
	}
	if strings.Contains(err.Error(), "do-not-leak") {
		t.Errorf("the error shows the target's content: %v", err)
	}

	// The same through a linked folder.
	spec = writeFenceSpec(t, dir, "linked/order.yaml#/Order")
	if err := os.Symlink(filepath.Join(dir, "shared"), filepath.Join(dir, "api", "linked")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "refused: a symlink leads outside") {
		t.Fatalf("a linked folder out of the folder: got %v", err)
	}
}

// TestFenceSymlinkInside: a symlink that stays inside the folder is
// followed like any file.
func TestFenceSymlinkInside(t *testing.T) {
	dir := t.TempDir()
	spec := writeFenceSpec(t, dir, "link.yaml#/Order")
	if err := os.WriteFile(filepath.Join(dir, "api", "order.yaml"), []byte(fenceSecret), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("order.yaml", filepath.Join(dir, "api", "link.yaml")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, _, err := Load(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
}

// TestRefRoot: Options.RefRoot lets $refs reach a sibling folder, and no
// further.
func TestRefRoot(t *testing.T) {
	dir := t.TempDir()
	spec := writeFenceSpec(t, dir, "../shared/order.yaml#/Order")
	_, _, err := Load(context.Background(), spec)
	if err == nil || !strings.Contains(err.Error(), "refused: outside the spec's folder "+filepath.Join(dir, "api")+" (--ref-root DIR allows a wider one)") {
		t.Fatalf("without RefRoot: got %v", err)
	}
	s, _, err := LoadWith(context.Background(), spec, Options{RefRoot: dir})
	if err != nil {
		t.Fatalf("with RefRoot: %v", err)
	}
	if len(s.Files) != 2 {
		t.Errorf("files read: %v", s.Files)
	}

	// RefRoot is the new limit, not a way around every limit.
	spec = writeFenceSpec(t, dir, "../../order.yaml#/Order")
	_, _, err = LoadWith(context.Background(), spec, Options{RefRoot: dir})
	if err == nil || !strings.Contains(err.Error(), "refused: outside --ref-root "+dir) {
		t.Fatalf("beyond RefRoot: got %v", err)
	}

	if _, _, err := LoadWith(context.Background(), spec, Options{RefRoot: filepath.Join(dir, "nowhere")}); err == nil || !strings.Contains(err.Error(), "--ref-root") {
		t.Fatalf("a RefRoot that does not exist: got %v", err)
	}
}
