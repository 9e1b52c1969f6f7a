package load

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDebug(t *testing.T) {
	for _, p := range strings.Fields(os.Getenv("F")) {
		spec, ws, err := Load(context.Background(), p)
		fmt.Println("==", p, err)
		if spec != nil {
			fmt.Println("  version", spec.SourceVersion, "files", spec.Files, "servers", len(spec.Doc.Servers))
		}
		for _, w := range ws {
			fmt.Println("  W", w.Line, w)
		}
	}
}
