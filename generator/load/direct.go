package load

import (
	"errors"
	"maps"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// Loading a JSON root directly.
//
// kin-openapi's loader parses the file with go-yaml and decodes the node
// tree with origins, under a process-wide lock: 1.5 s of GitHub's 13 MB
// description, on one core, before anything else can start. svcgen has
// already parsed the file (parseJSON, ten times faster than go-yaml) into
// the very tree go-yaml would build, so loadDirect hands that tree to
// kin-openapi's own decoder (openapi3.T's UnmarshalYAML) and resolves the
// $refs with kin-openapi's loader, as LoadFromDataWithPath does. The one
// thing the decoder leaves out when it is not called by the loader is the
// origins, which the loader switches on with state of its own; stampOrigins
// adds them, by the rules kin-openapi's decoder follows (origin.go), all
// but the end positions of blocks, which svcgen does not read.
// TestDirectLoadMatchesKin holds the result to the loader's, field by field
// and origin by origin: on the tier-2 specs written as JSON, and with
// SVCGEN_JSON_CORPUS on every eligible JSON spec of the corpus packages
// (2,639, all identical).
//
// It applies to what those rules are certain for: an OpenAPI 3.0 root read
// by parseJSON (no aliases, merge keys, tags or YAML-only scalars) whose
// $refs all point into its own components. Anything else, and any error on
// the way, is loaded by kin-openapi's loader as before, so that failures
// are reported the one way.

// direct switches loadDirect on; tests switch it off to compare.
var direct = true

// directEligible reports whether src can be loaded directly.
func directEligible(src *source) bool {
	if !direct || !src.json || src.node == nil || src.node.Kind != yaml.MappingNode {
		return false
	}
	if !version30(src.node) {
		return false
	}
	// kin-openapi decodes a $ref that leaves components through its own
	// copy of the node tree, which only its loader keeps.
	for _, r := range src.index().refs {
		if !strings.HasPrefix(r.value, "#/components/") {
			return false
		}
	}
	return true
}

// loadDirect decodes and resolves the root directly; ok is false when it
// cannot, and the root is then to be loaded by kin-openapi's loader.
func (l *loader) loadDirect() (doc *openapi3.T, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			doc, ok = nil, false
		}
	}()
	d := l.decoded
	l.decoded = nil
	if d == nil {
		if !directEligible(l.root) {
			return nil, false
		}
		d = &decoded{}
		d.doc, d.discriminators, d.err = decodeAndStamp(l.root.tree(), l.root.url, nil, nil)
	}
	if d.err != nil {
		return nil, false
	}
	doc, discriminators := d.doc, d.discriminators
	// kin-openapi resolves the schemas a discriminator's mapping names only
	// in a document other than the root, which is the one its loader was
	// given first. This loader was given none, so the mappings are held
	// back while it resolves; one naming another file is left to it.
	mappings := make([]map[string]openapi3.MappingRef, len(discriminators))
	for i, d := range discriminators {
		for _, m := range d.Mapping {
			if strings.Contains(m.Ref, "/") && !strings.HasPrefix(m.Ref, "#") {
				return nil, false
			}
		}
		mappings[i], d.Mapping = d.Mapping, nil
	}
	err := l.kinLoader().ResolveRefsIn(doc, fileURL(l.root.path))
	for i, d := range discriminators {
		d.Mapping = mappings[i]
	}
	if err != nil {
		return nil, false
	}
	return doc, true
}

// decoded is a document decodeAndStamp made.
type decoded struct {
	doc            *openapi3.T
	discriminators []*openapi3.Discriminator // with a mapping (stampOrigins)
	err            error
}

// version30 reports whether root, a parsed document, says it is OpenAPI
// 3.0.
func version30(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	v := mapValue(root, "openapi")
	return v != nil && v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Value, "3.0")
}

// decodeAndStamp decodes the document root as openapi3.T's UnmarshalYAML
// does and stamps its origins (stampOrigins), in parts decoded and stamped
// at the same time: the paths, the schemas of the components in a few
// chunks, and the rest. They are most of a large API, and the decoder runs
// on one core. T's decoder reaches the paths through go-yaml, which calls
// Paths' UnmarshalYAML with that node, and the schemas as a map, each
// entry decoded by SchemaRef's UnmarshalYAML: the same calls. The
// stamper reaches them through their fields, with those nodes; the rest is
// stamped while they are unset, and the keys the walk gives their fields
// (childKeys) once they are set.
//
// When release is not nil, each part of the paths and schemas, once
// decoded and stamped, asks it whether its nodes may go, and if so drops
// them from the tree: the tree of a large spec is several times the size
// of the file, and the document being decoded grows beside it. The tree
// then holds only the rest (see source.released).
//
// When part is not nil, it is called with each part of the schemas, once
// decoded and stamped (sharePart).
func decodeAndStamp(root *yaml.Node, file string, release func() bool, part func(openapi3.Schemas)) (*openapi3.T, []*openapi3.Discriminator, error) {
	if root.Kind != yaml.MappingNode {
		return nil, nil, errors.New("the root is not a mapping")
	}
	rest := *root
	rest.Content = make([]*yaml.Node, 0, len(root.Content))
	var pathsKey, pathsNode, schemasNode *yaml.Node
	var components *yaml.Node // rest's copy, without the schemas
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Value == "paths" && pathsNode == nil && v.Kind == yaml.MappingNode:
			pathsKey, pathsNode = k, v
			continue
		case k.Value == "components" && components == nil && v.Kind == yaml.MappingNode:
			c := *v
			c.Content = make([]*yaml.Node, 0, len(v.Content))
			for j := 0; j+1 < len(v.Content); j += 2 {
				if ck, cv := v.Content[j], v.Content[j+1]; ck.Value == "schemas" && schemasNode == nil && cv.Kind == yaml.MappingNode && len(cv.Content) >= 2*minSchemaChunk {
					schemasNode = cv
					continue
				}
				c.Content = append(c.Content, v.Content[j], v.Content[j+1])
			}
			components = &c
			v = components
		}
		rest.Content = append(rest.Content, k, v)
	}

	// The parts, each decoded and stamped by a task.
	doc := &openapi3.T{}
	var paths openapi3.Paths
	var chunks []openapi3.Schemas
	type result struct {
		discriminators []*openapi3.Discriminator
		err            error
		panicked       any
	}
	// The rest is stamped from the whole root, whose mappings it walks
	// down to the paths and schemas (unset in doc, so not into them): a
	// part drops its nodes only once that is done. It is the first task,
	// so that a worker always runs it before waiting for it.
	restDone := make(chan struct{})
	drop := func(nodes []*yaml.Node) {
		if release == nil {
			return
		}
		<-restDone
		if release() {
			clear(nodes)
		}
	}
	var tasks []func() ([]*openapi3.Discriminator, error)
	tasks = append(tasks, func() ([]*openapi3.Discriminator, error) {
		defer close(restDone)
		if err := doc.UnmarshalYAML(&rest); err != nil {
			return nil, err
		}
		return stampOrigins(doc, root, file), nil // paths and schemas unset
	})
	if pathsNode != nil {
		tasks = append(tasks, func() ([]*openapi3.Discriminator, error) {
			if err := paths.UnmarshalYAML(pathsNode); err != nil {
				return nil, err
			}
			s := &stamper{file: file}
			s.value(reflect.ValueOf(&paths), pathsNode)
			// The keys of the paths' children are the stamper's (maplike):
			// what is left to do with the paths' node needs only the node
			// itself, not what it holds.
			drop(pathsNode.Content)
			return s.discriminators, nil
		})
	}
	if schemasNode != nil {
		n := len(schemasNode.Content) / 2
		k := max(min(schemaChunks, n/minSchemaChunk), n/schemasPerChunk)
		chunks = make([]openapi3.Schemas, k)
		for c := range k {
			node := &yaml.Node{Kind: yaml.MappingNode, Tag: schemasNode.Tag, Line: schemasNode.Line, Column: schemasNode.Column,
				Content: schemasNode.Content[2*(c*n/k) : 2*((c+1)*n/k)]}
			tasks = append(tasks, func() ([]*openapi3.Discriminator, error) {
				// Keys were checked for duplicates (duplicateKey): go-yaml
				// would compare every pair of them again, quadratic in the
				// number of schemas.
				if err := node.Load(&chunks[c], yaml.WithUniqueKeys(false)); err != nil {
					return nil, err
				}
				s := &stamper{file: file}
				s.value(reflect.ValueOf(chunks[c]), node)
				// The keys of the chunk's schemas, as childKeys gives them
				// when it reaches the components' schemas.
				s.childKeys(node, reflect.ValueOf(chunks[c]))
				drop(node.Content)
				if part != nil {
					part(chunks[c])
				}
				return s.discriminators, nil
			})
		}
	}
	results := make([]result, len(tasks))
	work := make(chan int, len(tasks))
	for i := range tasks {
		work <- i
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for i := range work {
				func() {
					defer func() { results[i].panicked = recover() }()
					results[i].discriminators, results[i].err = tasks[i]()
				}()
			}
		})
	}
	wg.Wait()
	var discriminators []*openapi3.Discriminator
	for _, r := range results {
		if r.panicked != nil {
			panic(r.panicked) // loadDirect's caller recovers it: loaded by kin-openapi's loader
		}
		if r.err != nil {
			return nil, nil, r.err
		}
		discriminators = append(discriminators, r.discriminators...)
	}

	s := &stamper{file: file}
	if pathsNode != nil {
		doc.Paths = &paths
		s.childKeys(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{pathsKey, pathsNode}}, reflect.ValueOf(doc))
	}
	if schemasNode != nil {
		if doc.Components == nil {
			return nil, nil, errors.New("components not decoded") // cannot be: components is a mapping
		}
		schemas := make(openapi3.Schemas, len(schemasNode.Content)/2)
		for _, c := range chunks {
			maps.Copy(schemas, c)
		}
		doc.Components.Schemas = schemas
		// The keys of the schemas were given chunk by chunk; that of the
		// map itself is none (setKey gives keys to structs only).
	}
	return doc, discriminators, nil
}

// schemaChunks is how many parts decodeAndStamp decodes the schemas of
// the components in, and minSchemaChunk the fewest schemas in one (a
// variable for the tests): only large APIs are worth it. An API of more
// than schemaChunks*schemasPerChunk schemas is decoded in parts of about
// schemasPerChunk, so that the nodes of a part go (see release) soon
// after the decoding started rather than a quarter of the way.
const (
	schemaChunks    = 4
	schemasPerChunk = 512
)

var minSchemaChunk = 64

// mapValue returns the value of key in the mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var (
	originPtrType   = reflect.TypeFor[*openapi3.Origin]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	docType         = reflect.TypeFor[openapi3.T]()
	schemaType      = reflect.TypeFor[openapi3.Schema]()
	headerType      = reflect.TypeFor[openapi3.Header]()
	pathsType       = reflect.TypeFor[openapi3.Paths]()
	responsesType   = reflect.TypeFor[openapi3.Responses]()
	callbackType    = reflect.TypeFor[openapi3.Callback]()
)

// stamper gives a document decoded without origins the origins
// kin-openapi's decoder gives it when its loader runs it.
type stamper struct {
	file           string
	discriminators []*openapi3.Discriminator // with a mapping
}

// stampOrigins stamps doc, decoded from node, whose file kin-openapi
// names file. It returns the discriminators with a mapping it met.
func stampOrigins(doc *openapi3.T, node *yaml.Node, file string) []*openapi3.Discriminator {
	s := &stamper{file: file}
	s.value(reflect.ValueOf(doc).Elem(), node)
	return s.discriminators
}

// value stamps v, decoded from node, the way go-yaml's decode reached it:
// through pointers, maps and slices to the types with an UnmarshalYAML.
func (s *stamper) value(v reflect.Value, node *yaml.Node) {
	if node == nil {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			s.value(v.Elem(), node)
		}
	case reflect.Map:
		if node.Kind != yaml.MappingNode || v.IsNil() || v.Type().Key().Kind() != reflect.String {
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			e := v.MapIndex(reflect.ValueOf(node.Content[i].Value).Convert(v.Type().Key()))
			if e.IsValid() && e.Kind() == reflect.Pointer {
				s.value(e, node.Content[i+1]) // values held directly are not kin-openapi types with origins
			}
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			return
		}
		for j := 0; j < v.Len() && j < len(node.Content); j++ {
			s.value(v.Index(j), node.Content[j])
		}
	case reflect.Struct:
		s.object(v, node)
	}
}

// object stamps the struct v, decoded from node, as its UnmarshalYAML does.
func (s *stamper) object(v reflect.Value, node *yaml.Node) {
	t := v.Type()
	lay := layoutOf(t)
	if !lay.unmarshaler {
		return // decoded from text (MappingRef) or not a kin-openapi type
	}
	switch t {
	case headerType:
		s.object(v.FieldByName("Parameter"), node)
		return
	case pathsType, responsesType, callbackType:
		s.maplike(v, node)
		return
	}
	if lay.origin == nil {
		// Types, BoolSchema, ExclusiveBound, SecurityRequirement: no
		// origin; a BoolSchema holds a SchemaRef decoded from the node.
		if lay.schema != nil && v.FieldByIndex(lay.schema).Kind() == reflect.Pointer {
			s.value(v.FieldByIndex(lay.schema), node)
		}
		return
	}
	origin := v.FieldByIndex(lay.origin)
	if lay.ref != nil && lay.value != nil && v.FieldByIndex(lay.value).Kind() == reflect.Pointer {
		// A $ref wrapper: its own origin, and the value decoded from the
		// same node when it is not a reference.
		if keepsOrigin(v) {
			origin.Set(reflect.ValueOf(s.originOf(t, node)))
		}
		if v.FieldByIndex(lay.ref).String() == "" {
			s.value(v.FieldByIndex(lay.value), node)
		}
		return
	}
	if t == schemaType {
		if node.Kind == yaml.ScalarNode {
			origin.Set(reflect.ValueOf(s.fromNode(node)))
			return
		}
		if d := v.Addr().Interface().(*openapi3.Schema).Discriminator; d != nil && len(d.Mapping) > 0 {
			s.discriminators = append(s.discriminators, d)
		}
	}
	// A mapping of declared fields: go-yaml decodes each field first.
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if f := fieldByKey(v, node.Content[i].Value); f.IsValid() {
				s.value(f, node.Content[i+1])
			}
		}
	}
	o := s.originOf(t, node)
	if t == docType && o != nil && node.Kind == yaml.MappingNode && len(node.Content) > 0 {
		first := node.Content[0]
		o.Key = &openapi3.Location{File: s.file, Line: first.Line, Column: first.Column, Name: first.Value}
	}
	origin.Set(reflect.ValueOf(o))
	s.childKeys(node, v)
}

// maplike stamps Paths, Responses or Callback: each entry is a component
// whose key is its origin's Key.
func (s *stamper) maplike(v reflect.Value, node *yaml.Node) {
	if node.Kind != yaml.MappingNode {
		return
	}
	var m reflect.Value
	switch x := v.Addr().Interface().(type) {
	case *openapi3.Paths:
		m = reflect.ValueOf(x.Map())
	case *openapi3.Responses:
		m = reflect.ValueOf(x.Map())
	case *openapi3.Callback:
		m = reflect.ValueOf(x.Map())
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if strings.HasPrefix(k.Value, "x-") {
			continue
		}
		e := m.MapIndex(reflect.ValueOf(k.Value))
		if !e.IsValid() {
			continue
		}
		s.value(e, val)
		s.setKey(e, k, val)
	}
}

// originOf is the origin of a t decoded from node: fromNode's, or for
// schemas and their $ref wrappers, most of a large document, only what
// svcgen reads of it (see compactOrigin).
func (s *stamper) originOf(t reflect.Type, node *yaml.Node) *openapi3.Origin {
	if compactOrigin(t) {
		if node.Kind != yaml.MappingNode || len(node.Content) < 2 {
			return nil
		}
		k := node.Content[0]
		return &openapi3.Origin{Fields: openapi3.FieldLocations{{File: s.file, Line: k.Line, Column: k.Column, Name: k.Value}}}
	}
	return s.fromNode(node)
}

// compactOrigin reports whether the origins of t are stamped compact:
// the first field alone, no sequences, and no key when there is a field;
// and a SchemaRef that is not a $ref has none (keepsOrigin).
//
// kin-openapi's origins take several times the memory of the schemas they
// describe: on a spec of 30,000 schemas, 290 MB, a third of the heap.
// svcgen reads an origin only to place a problem (locate.go): the first
// field (or else the key) tells the element, whose fields and lines the
// index then finds as the full origin would have told them; kin-openapi
// reads a schema's origin only to copy it into an error. Schemas and
// their wrappers are the bulk; other elements keep all of theirs (an
// example's "value" field places its errors, exampleValueOrigin).
func compactOrigin(t reflect.Type) bool {
	return t == schemaType || t == schemaRefType
}

// keepsOrigin reports whether v, a struct, gets an origin at all. A
// SchemaRef's own origin is read only in the errors of a $ref (unresolved,
// or with fields beside it); the schema it wraps has its own.
func keepsOrigin(v reflect.Value) bool {
	return v.Type() != schemaRefType || v.FieldByIndex(layoutOf(schemaRefType).ref).String() != ""
}

// fromNode is kin-openapi's originFromNode: where the keys of a mapping
// are, and the scalar items of its sequences.
func (s *stamper) fromNode(node *yaml.Node) *openapi3.Origin {
	if node.Kind != yaml.MappingNode {
		return nil
	}
	o := &openapi3.Origin{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if o.Fields == nil {
			o.Fields = make(openapi3.FieldLocations, 0, len(node.Content)/2)
		}
		o.Fields = append(o.Fields, openapi3.Location{File: s.file, Line: k.Line, Column: k.Column, Name: k.Value})
		if v.Kind != yaml.SequenceNode {
			continue
		}
		var locs []openapi3.Location
		for _, item := range v.Content {
			if item.Kind == yaml.ScalarNode {
				locs = append(locs, openapi3.Location{File: s.file, Line: item.Line, Column: item.Column, Name: item.Value})
			}
		}
		if len(locs) > 0 {
			if o.Sequences == nil {
				o.Sequences = make(map[string][]openapi3.Location)
			}
			o.Sequences[k.Value] = locs
		}
	}
	if o.Fields == nil && o.Sequences == nil {
		return nil
	}
	return o
}

// childKeys is kin-openapi's setChildOriginKeys: the Key of each child of
// container, decoded from the mapping node, is the key that heads it.
func (s *stamper) childKeys(node *yaml.Node, container reflect.Value) {
	if node.Kind != yaml.MappingNode {
		return
	}
	v := container
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		keyNode, valNode := node.Content[i], node.Content[i+1]
		var child reflect.Value
		switch v.Kind() {
		case reflect.Map:
			if !v.IsNil() {
				child = v.MapIndex(reflect.ValueOf(keyNode.Value).Convert(v.Type().Key()))
			}
		case reflect.Struct:
			child = fieldByKey(v, keyNode.Value)
		}
		if !child.IsValid() {
			continue
		}
		s.setKey(child, keyNode, valNode)
		s.scalarMapKeys(v, child, keyNode, valNode)
		switch c := derefValue(child); c.Kind() {
		case reflect.Map:
			s.childKeys(valNode, c)
		case reflect.Slice:
			if valNode.Kind != yaml.SequenceNode {
				continue
			}
			for j := 0; j < len(valNode.Content) && j < c.Len(); j++ {
				item := valNode.Content[j]
				if item.Kind == yaml.MappingNode && len(item.Content) > 0 {
					s.setKey(c.Index(j), item.Content[0], item)
				}
			}
		}
	}
}

// setKey is kin-openapi's setOriginKey: the child's Key, and that of what
// it wraps (a $ref wrapper's Value, a BoolSchema's Schema).
func (s *stamper) setKey(child reflect.Value, keyNode, valNode *yaml.Node) {
	for child.Kind() == reflect.Pointer || child.Kind() == reflect.Interface {
		if child.IsNil() {
			return
		}
		child = child.Elem()
	}
	if child.Kind() != reflect.Struct {
		return
	}
	lay := layoutOf(child.Type())
	if lay.origin != nil {
		if f := child.FieldByIndex(lay.origin); f.CanSet() && keepsOrigin(child) && !(compactOrigin(child.Type()) && !f.IsNil() && len(f.Interface().(*openapi3.Origin).Fields) > 0) {
			if f.IsNil() {
				f.Set(reflect.ValueOf(&openapi3.Origin{}))
			}
			f.Interface().(*openapi3.Origin).Key = &openapi3.Location{File: s.file, Line: keyNode.Line, Column: keyNode.Column, Name: keyNode.Value}
		}
	}
	for _, i := range [...][]int{lay.value, lay.schema} {
		if i != nil {
			s.setKey(child.FieldByIndex(i), keyNode, valNode)
		}
	}
}

// scalarMapKeys is kin-openapi's recordScalarMapKeys: the keys of a map of
// scalars (OAuth scopes) are recorded on the container's origin.
func (s *stamper) scalarMapKeys(container, child reflect.Value, keyNode, valNode *yaml.Node) {
	if child.Kind() != reflect.Map || valNode.Kind != yaml.MappingNode || container.Kind() != reflect.Struct {
		return
	}
	switch child.Type().Elem().Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return
	}
	lay := layoutOf(container.Type())
	if lay.origin == nil || !container.FieldByIndex(lay.origin).CanSet() {
		return
	}
	f := container.FieldByIndex(lay.origin)
	if f.IsNil() {
		f.Set(reflect.ValueOf(&openapi3.Origin{}))
	}
	var locs []openapi3.Location
	for i := 0; i+1 < len(valNode.Content); i += 2 {
		k := valNode.Content[i]
		locs = append(locs, openapi3.Location{File: s.file, Line: k.Line, Column: k.Column, Name: k.Value})
	}
	if len(locs) == 0 {
		return
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i].Name < locs[j].Name })
	o := f.Interface().(*openapi3.Origin)
	if o.Sequences == nil {
		o.Sequences = make(map[string][]openapi3.Location)
	}
	o.Sequences[keyNode.Value] = locs
}

// fieldByKey is the exported field of the struct v that the yaml key
// decodes into.
func fieldByKey(v reflect.Value, key string) reflect.Value {
	if i, ok := layoutOf(v.Type()).byKey[key]; ok {
		return v.Field(i)
	}
	return reflect.Value{}
}

// layout is what stamper looks up in a struct type, found once per type
// (the document has hundreds of thousands of structs of a few dozen
// types). The fields named like those kin-openapi looks up by name may be
// promoted from an embedded struct (Header's Origin is its Parameter's);
// a nil index is a field the type does not have.
type layout struct {
	byKey                      map[string]int // direct exported fields by yaml name
	origin, ref, value, schema []int
	unmarshaler                bool // *T has an UnmarshalYAML
}

var layouts sync.Map // reflect.Type → *layout

func layoutOf(t reflect.Type) *layout {
	if l, ok := layouts.Load(t); ok {
		return l.(*layout)
	}
	l := &layout{byKey: map[string]int{}}
	l.unmarshaler = reflect.PointerTo(t).Implements(unmarshalerType)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		// The first field of that name, as kin-openapi's childByKey finds.
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if _, dup := l.byKey[name]; !dup {
			l.byKey[name] = i
		}
	}
	if f, ok := t.FieldByName("Origin"); ok && f.Type == originPtrType && f.IsExported() {
		l.origin = f.Index
	}
	if f, ok := t.FieldByName("Ref"); ok && f.Type.Kind() == reflect.String {
		l.ref = f.Index
	}
	if f, ok := t.FieldByName("Value"); ok {
		l.value = f.Index
	}
	if f, ok := t.FieldByName("Schema"); ok {
		l.schema = f.Index
	}
	layouts.Store(t, l)
	return l
}

func derefValue(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v
		}
		v = v.Elem()
	}
	return v
}
