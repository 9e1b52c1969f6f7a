package main

// runOrder is the order the servers run in, in one case of the given round
// (from 1). Each server with a Peer runs right next to it: on this kind of
// machine, whose speed drifts from one run to the next, two runs a ratio
// pairs agree better the closer together they are. Over the full runs in
// bench/results before this order, the logarithm of the per-round ratio of
// two servers' requests per second had a standard deviation of 0.13 when
// they ran one after the other, 0.17 with one server between them and
// 0.18 to 0.19 farther apart.
//
// The groups (a server with its peer, or a server alone) keep the order of
// servers, placed where the first of them is, and turn by one each round so
// that none always runs first; within a pair, the two swap each round, so
// that neither always runs right after the other group's servers.
func runOrder(servers []server, round int) []server {
	var groups [][]server
	grouped := map[string]bool{}
	for _, s := range servers {
		if grouped[s.Name] {
			continue
		}
		g := []server{s}
		grouped[s.Name] = true
		for _, t := range servers {
			if grouped[t.Name] {
				continue
			}
			if t.Peer == s.Name || s.Peer == t.Name {
				g = append(g, t)
				grouped[t.Name] = true
			}
		}
		groups = append(groups, g)
	}
	order := make([]server, 0, len(servers))
	for i := range groups {
		g := groups[(i+round-1)%len(groups)]
		if round%2 == 0 {
			for j := len(g) - 1; j >= 0; j-- {
				order = append(order, g[j])
			}
		} else {
			order = append(order, g...)
		}
	}
	return order
}
