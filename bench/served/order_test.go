package main

import (
	"strings"
	"testing"
)

func names(ss []server) string {
	var n []string
	for _, s := range ss {
		n = append(n, s.Name)
	}
	return strings.Join(n, " ")
}

func TestRunOrder(t *testing.T) {
	cases := []struct {
		servers string // a subset of allServers, as for --servers
		want    []string
	}{
		{"", []string{
			"ogen svcgen ogen-nootel svcgen-warn hand oapi",
			"svcgen-warn ogen-nootel hand oapi svcgen ogen",
			"hand oapi ogen svcgen ogen-nootel svcgen-warn",
			"oapi svcgen ogen svcgen-warn ogen-nootel hand",
			"ogen svcgen ogen-nootel svcgen-warn hand oapi",
		}},
		// Without its peer, a server runs alone; the order given is kept.
		{"svcgen-warn,hand,ogen", []string{
			"svcgen-warn hand ogen",
			"hand ogen svcgen-warn",
			"ogen svcgen-warn hand",
		}},
		{"svcgen,hand,ogen", []string{
			"svcgen ogen hand",
			"hand ogen svcgen",
			"svcgen ogen hand",
		}},
		{"ogen-nootel,svcgen-warn", []string{
			"ogen-nootel svcgen-warn",
			"svcgen-warn ogen-nootel",
			"ogen-nootel svcgen-warn",
		}},
	}
	for _, c := range cases {
		servers, err := pick(allServers, c.servers, func(s server) string { return s.Name })
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range c.want {
			got := runOrder(servers, i+1)
			if names(got) != want {
				t.Errorf("--servers %q, round %d: %s, want %s", c.servers, i+1, names(got), want)
			}
		}
	}
}

// Whatever the subset and round, every server runs once, and next to its
// peer when both run.
func TestRunOrderKeepsPeersTogether(t *testing.T) {
	for mask := 1; mask < 1<<len(allServers); mask++ {
		var servers []server
		for i, s := range allServers {
			if mask&(1<<i) != 0 {
				servers = append(servers, s)
			}
		}
		for round := 1; round <= 2*len(servers); round++ {
			order := runOrder(servers, round)
			pos := map[string]int{}
			for i, s := range order {
				if _, twice := pos[s.Name]; twice {
					t.Fatalf("%s runs twice: %s", s.Name, names(order))
				}
				pos[s.Name] = i
			}
			if len(order) != len(servers) {
				t.Fatalf("%d of %d servers run: %s", len(order), len(servers), names(order))
			}
			for _, s := range servers {
				if p, ok := pos[s.Peer]; ok && p-pos[s.Name] != 1 && pos[s.Name]-p != 1 {
					t.Errorf("round %d: %s is not next to %s: %s", round, s.Name, s.Peer, names(order))
				}
			}
		}
	}
}
