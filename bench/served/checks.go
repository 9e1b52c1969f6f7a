package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// check is one request every server should answer with Want: the bench's
// requests (so that every server is measured doing the same work) and
// invalid ones (so that each is seen to validate what the spec states).
type check struct {
	Name         string
	Method, Path string
	Body         string
	Want         int
}

func allChecks(cases []benchCase) []check {
	var cs []check
	for _, c := range cases {
		cs = append(cs, check{Name: "bench " + c.Name, Method: c.Method, Path: c.Path, Body: c.Body, Want: c.Status})
	}
	pet := func(old, new string) string { return strings.Replace(newPetJSON(7), old, new, 1) }
	tooMany := `{"pets":[` + strings.Repeat(newPetJSON(1)+",", 100) + newPetJSON(2) + `]}`
	return append(cs,
		check{"email format", "POST", "/pets", pet(`ann7@example.com`, `not-an-email`), 400},
		check{"pattern", "POST", "/pets", pet(`+15550000007`, `call me`), 400},
		check{"enum", "POST", "/pets", pet(`"dog"`, `"fish"`), 400},
		check{"maximum", "POST", "/pets", pet(`"age":7`, `"age":101`), 400},
		check{"minLength", "POST", "/pets", pet(`"Rex 7"`, `""`), 400},
		check{"maxItems", "POST", "/pets", pet(`["friendly","small"]`, `["a","b","c","d","e","f","g","h","i","j","k"]`), 400},
		check{"required", "POST", "/pets", `{"name":"Rex","kind":"dog","age":3}`, 400},
		check{"type", "POST", "/pets", pet(`"age":7`, `"age":"7"`), 400},
		check{"required null", "POST", "/pets", pet(`"Rex 7"`, `null`), 400},
		check{"optional null", "POST", "/pets", pet(`"+15550000007"`, `null`), 400},
		check{"body null", "POST", "/pets", `null`, 400},
		check{"nested maxItems", "POST", "/batches", tooMany, 400},
		check{"path int64", "GET", "/pets/abc", "", 400},
		check{"query enum", "GET", "/pets/1?view=bogus", "", 400},
		check{"query twice", "GET", "/pets/1?view=full&view=summary", "", 400},
		check{"unknown id", "GET", "/pets/101", "", 404},
	)
}

// runChecks sends every check to the server at addr and returns the
// statuses, in order.
func runChecks(addr string, cs []check) []int {
	client := &http.Client{Timeout: 5 * time.Second}
	got := make([]int, len(cs))
	for i, c := range cs {
		req, err := http.NewRequest(c.Method, "http://"+addr+c.Path, strings.NewReader(c.Body))
		if err != nil {
			continue
		}
		if c.Body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		got[i] = resp.StatusCode
	}
	return got
}

// checkTable prints the statuses per server, marking those that differ
// from the expected one.
func checkTable(w io.Writer, cs []check, servers []server, got map[string][]int) {
	fmt.Fprintf(w, "| request | want |")
	for _, s := range servers {
		fmt.Fprintf(w, " %s |", s.Name)
	}
	fmt.Fprintf(w, "\n|---|---:|")
	for range servers {
		fmt.Fprintf(w, "---:|")
	}
	fmt.Fprintln(w)
	for i, c := range cs {
		fmt.Fprintf(w, "| %s | %d |", c.Name, c.Want)
		for _, s := range servers {
			g := got[s.Name]
			if g == nil {
				fmt.Fprintf(w, " |")
				continue
			}
			mark := ""
			if g[i] != c.Want {
				mark = " ✗"
			}
			fmt.Fprintf(w, " %d%s |", g[i], mark)
		}
		fmt.Fprintln(w)
	}
}
