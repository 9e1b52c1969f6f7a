package load

import "github.com/getkin/kin-openapi/openapi3"

// maxVisits bounds the work of checking one value against its schema.
// kin-openapi's VisitJSON applies a value to every branch of allOf, anyOf
// and oneOf, so schemas whose branches share sub-schemas take exponential
// time: 25 levels of allOf naming the next level twice take half a minute.
// Values of such schemas, and of schemas whose branches lead back to
// themselves, are not checked.
const maxVisits = 10_000

// coster estimates how many schemas VisitJSON may visit for one value.
type coster struct {
	memo   map[*openapi3.Schema]int
	active map[*openapi3.Schema]bool
}

func newCoster() *coster {
	return &coster{memo: map[*openapi3.Schema]int{}, active: map[*openapi3.Schema]bool{}}
}

// tooCostly reports whether checking a value against s may exceed maxVisits.
func (c *coster) tooCostly(s *openapi3.Schema) bool {
	return c.cost(s, map[*openapi3.Schema]bool{}) > maxVisits
}

// cost counts the schemas visited for one value: the branches of a
// combinator see the same value (level holds the schemas above at that
// value), properties and items see a part of it.
func (c *coster) cost(s *openapi3.Schema, level map[*openapi3.Schema]bool) int {
	switch {
	case s == nil:
		return 0
	case level[s]:
		return maxVisits + 1 // a combinator leading back to itself
	}
	if v, ok := c.memo[s]; ok {
		return v
	}
	if c.active[s] {
		return 1 // recursion through a property: bounded by the value
	}
	c.active[s], level[s] = true, true
	total := 1
	for _, ref := range sameValue(s) {
		if ref != nil {
			total = min(total+c.cost(ref.Value, level), maxVisits+1)
		}
	}
	for _, ref := range partsOfValue(s) {
		if ref != nil {
			total = min(total+c.cost(ref.Value, map[*openapi3.Schema]bool{}), maxVisits+1)
		}
	}
	delete(level, s)
	delete(c.active, s)
	c.memo[s] = total
	return total
}

// sameValue lists the sub-schemas applied to the value itself.
func sameValue(s *openapi3.Schema) []*openapi3.SchemaRef {
	refs := append(append(append([]*openapi3.SchemaRef{}, s.AllOf...), s.AnyOf...), s.OneOf...)
	return append(refs, s.Not, s.If, s.Then, s.Else)
}

// partsOfValue lists the sub-schemas applied to parts of the value.
func partsOfValue(s *openapi3.Schema) []*openapi3.SchemaRef {
	refs := []*openapi3.SchemaRef{s.Items, s.AdditionalProperties.Schema, s.Contains, s.PropertyNames,
		s.UnevaluatedItems.Schema, s.UnevaluatedProperties.Schema}
	refs = append(refs, s.PrefixItems...)
	for _, name := range sortedKeys(s.Properties) {
		refs = append(refs, s.Properties[name])
	}
	for _, name := range sortedKeys(s.PatternProperties) {
		refs = append(refs, s.PatternProperties[name])
	}
	for _, name := range sortedKeys(s.DependentSchemas) {
		refs = append(refs, s.DependentSchemas[name])
	}
	return refs
}
