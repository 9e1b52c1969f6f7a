package load

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// fixTupleItems reads `items` given as a list of schemas (the tuple form
// of JSON Schema drafts before 2020-12, which OpenAPI never had) as
// `prefixItems`, the tuple form of OpenAPI 3.1, instead of refusing the
// document: kin-openapi cannot decode a list where it expects one schema.
// Only the key is rewritten in the bytes kin-openapi reads, so every line
// stays where it was. Each is a warning.
func (f *fileSet) fixTupleItems(src *source) (patched bool) {
	if src.node == nil || src.released || !bytes.Contains(src.data, []byte("items")) {
		// A released tree had none (readRootDirect).
		return false
	}
	keys := tupleItems(src.node)
	if len(keys) == 0 {
		return false
	}
	// Rewrite from the end, so that earlier positions stay valid.
	slices.SortFunc(keys, func(a, b tupleKey) int {
		return cmp.Or(cmp.Compare(b.key.Line, a.key.Line), cmp.Compare(b.key.Column, a.key.Column))
	})
	data := src.data
	for _, k := range keys {
		patched, ok := replaceScalar(data, k.key, "prefixItems")
		if !ok {
			return false // a key written in a way replaceScalar does not follow: leave it to kin-openapi to refuse
		}
		data = patched
	}
	node, err := parse(src.path, data)
	if err != nil || node == nil {
		return false
	}
	for _, k := range keys {
		f.rep.warnAt(src, k.ptr, "items given as a list of schemas (a tuple, as in JSON Schema before 2020-12): read as prefixItems; the values are not checked")
	}
	src.data, src.node, src.idx, src.released = data, node, nil, false
	f.rep.tuples = true
	return true
}

// tupleKey is an `items` key whose value is a list of schemas.
type tupleKey struct {
	key *yaml.Node
	ptr string
}

// notSchemas are keys whose values are data, not schemas: an `items` in
// them is the user's.
var notSchemas = map[string]bool{"example": true, "examples": true, "default": true, "enum": true, "const": true}

// tupleItems finds the `items` keys of n whose value is a list of
// mappings, outside examples, defaults, enums and extensions.
func tupleItems(root *yaml.Node) []tupleKey {
	var found []tupleKey
	var tokens []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if notSchemas[k.Value] || strings.HasPrefix(k.Value, "x-") {
					continue
				}
				if k.Value == "items" && k.Kind == yaml.ScalarNode && v.Kind == yaml.SequenceNode && len(v.Content) > 0 && allMappings(v.Content) {
					found = append(found, tupleKey{k, "/" + strings.Join(append(slices.Clone(tokens), "items"), "/")})
				}
				tokens = append(tokens, escapeToken(k.Value))
				walk(v)
				tokens = tokens[:len(tokens)-1]
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				tokens = append(tokens, strconv.Itoa(i))
				walk(item)
				tokens = tokens[:len(tokens)-1]
			}
		}
	}
	walk(root)
	return found
}

func allMappings(ns []*yaml.Node) bool {
	for _, n := range ns {
		if n.Kind != yaml.MappingNode {
			return false
		}
	}
	return true
}
