// Package model is the plain description of a service that the templates
// print. It is built from an OpenAPI document by package build and knows
// nothing of OpenAPI itself: every Go name, type expression and validation
// rule is decided before a template sees it, and every list is sorted so that
// output is byte-identical between runs.
package model

// Service is everything the generated repository is made from.
type Service struct {
	Name        string // Go identifier, lower case: "orders"
	Title       string // info.title
	Description string // info.description
	Version     string // info.version
	// BuildVersion is Version as a container image tag allows it
	// ([A-Za-z0-9_.-], at most 128, not starting with . or -; "dev" when
	// nothing is left): the default version stamped into a build, safe in
	// a Dockerfile ARG, -ldflags and the manifests' image tag.
	BuildVersion string
	// DeployName is Name as Kubernetes and Compose names allow it (an
	// RFC 1035 label: '_' becomes '-', at most 40 characters so that
	// suffixes such as "-database" and kustomize's hashes fit in 63).
	DeployName  string
	Module      string // Go module path of the generated repo
	BasePath    string // "" or "/v1": routes are mounted under it
	SpecFile    string // file name of the service's copy of the spec: "openapi.yaml"
	SpecVersion string // OpenAPI version the author wrote: "3.0.3", "2.0"...
	// Generator is the svcgen version that generates the service: its CI
	// installs that version to check the generated code is up to date.
	Generator string

	Operations []*Operation // sorted by path, then method
	// Security lists the security schemes some operation requires, sorted
	// by name; the generated handler checks their credentials.
	Security  []*SecurityScheme
	Types     []*Type     // named types, sorted by Go name
	Resources []*Resource // persistent resources, parents before children

	// Patterns are the regular expressions that validation uses, one package
	// variable each, sorted by variable name.
	Patterns []*Pattern

	// Builtins are the routes every service serves besides the API, less
	// those the spec declares itself.
	Builtins []Builtin

	// FallbackMethods are the methods of the operations with Fallback set,
	// in the order their first such operation comes: each has a catch-all
	// route (FallbackPattern) that dispatches to them.
	FallbackMethods []string

	// NotAllowed is a request the generated tests expect a 405 for: a
	// routed path with a method it does not declare.
	NotAllowed *KV // Name: method, Value: path

	Coverage Coverage
}

// FallbackPattern is the ServeMux pattern of method's catch-all route for
// the operations with Fallback set: less specific than any other route, so
// it only gets the requests no other route takes.
func FallbackPattern(method string) string { return method + " /{svcgenPath...}" }

// Builtin is a route the generated handler serves itself.
type Builtin struct {
	Pattern string // "GET /healthz"
	Path    string // "/healthz"
	Handler string // handler method: "healthz"
}

// Operation is one HTTP operation.
type Operation struct {
	ID          string // operationId as written, or synthesised
	GoName      string // method name on the service interface: "CreateOrder"
	Method      string // upper case: "POST"
	Path        string // path template as written: "/orders/{orderId}"
	Pattern     string // http.ServeMux pattern with base path: "POST /v1/orders/{orderId}"
	Summary     string
	Description string
	Deprecated  bool
	Tags        []string

	// Fallback is set when ServeMux refuses Pattern beside another
	// operation's that matches some of the same paths without either being
	// more specific (GET /items/{id}/notes and GET /items/notes/{noteId}).
	// The handler then matches Pattern itself, among the requests no route
	// of ServeMux takes: a path both match goes to the routed operation.
	Fallback bool

	Params []*Param // path, then query, header, cookie; by name within each
	Body   *Body    // nil when the operation takes no body

	RequestType  string      // "CreateOrderRequest"
	ResponseType string      // interface type: "CreateOrderResponse"
	Responses    []*Response // sorted by status, "default" last

	// Example holds ready-made values that the generated tests use.
	Example OperationExample

	// Resource and CRUD are set for operations the store implements:
	// CRUD is "create", "list", "get", "replace", "patch" or "delete".
	Resource *Resource
	CRUD     string
	// Security lists the ways a request may authenticate, any one of which
	// will do; nil when the operation needs no credentials. An alternative
	// with no schemes lets anonymous requests through.
	Security []*SecurityAlternative

	// IDParam and ParentParam are the path parameters holding the
	// resource's id and its parent's id, when the path has them.
	IDParam, ParentParam *Param

	// ClientPath is the Go expression of the escaped path the generated
	// client sends, base path included, from the request req:
	// `"/v1/orders/" + url.PathEscape(svcgen.FormatInt(req.OrderID))`.
	ClientPath string
	// ClientInvalid breaks a valid request so that the server must
	// answer 400, for the client's tests; nil when svcgen finds no way.
	ClientInvalid *ClientInvalid
}

// HasQuery reports whether the operation takes query parameters.
func (op *Operation) HasQuery() bool {
	for _, p := range op.Params {
		if p.In == InQuery {
			return true
		}
	}
	return false
}

// KeepsRawBody reports whether the request keeps its JSON body as sent:
// PATCH operations do, for merge-patch semantics.
func (op *Operation) KeepsRawBody() bool {
	return op.Method == "PATCH" && op.Body != nil && op.Body.Kind == BodyJSON
}

// Success is the first 2xx response the operation declares, or nil.
func (op *Operation) Success() *Response {
	for _, r := range op.Responses {
		if r.StatusCode >= 200 && r.StatusCode < 300 {
			return r
		}
	}
	return nil
}

// ObjectParam says how an object query parameter's properties travel.
type ObjectParam struct {
	Deep   bool         // deepObject: name[prop]=value; else prop=value
	Fields []*FormField // how each property's text becomes JSON
}

// SecurityScheme is one way the spec lets clients authenticate.
type SecurityScheme struct {
	Name string // key in components.securitySchemes
	Var  string // Go variable of the generated scheme: "schemeBearerAuth"
	// Kind is "bearer", "basic", "http" (another Authorization scheme),
	// "apiKey", "oauth2" or "openIdConnect" (both a bearer token).
	Kind  string
	Auth  string // the Authorization header's scheme: "Bearer", "Basic", "Digest"
	In    string // apiKey: "header", "query" or "cookie"
	Param string // apiKey: the header, query parameter or cookie name
}

// SecurityAlternative is one way to satisfy an operation's security: the
// credentials of every scheme listed.
type SecurityAlternative struct {
	Uses []*SecurityUse
}

// SecurityUse is a scheme an alternative requires, with the OAuth2 or
// OpenID Connect scopes it asks for.
type SecurityUse struct {
	Scheme *SecurityScheme
	Scopes []string
}

// Secured reports whether a request needs credentials: the operation has
// security and no anonymous alternative.
func (op *Operation) Secured() bool {
	for _, a := range op.Security {
		if len(a.Uses) == 0 {
			return false
		}
	}
	return len(op.Security) > 0
}

// ParamIn is where a parameter travels.
type ParamIn string

const (
	InPath   ParamIn = "path"
	InQuery  ParamIn = "query"
	InHeader ParamIn = "header"
	InCookie ParamIn = "cookie"
)

// Param is one parameter of an operation.
type Param struct {
	Name        string  // wire name
	In          ParamIn // path, query, header or cookie
	GoName      string  // field of the request struct
	Wildcard    string  // path only: the ServeMux wildcard name
	Description string
	Required    bool
	Explode     bool // query arrays: repeated key (true) or comma separated (false)
	Delimiter   string
	Type        *TypeRef // the value type (element type for arrays is Type.Elem)
	// GoType is the request field's type: "int32", "*int32", "[]string".
	GoType string
	// Pointer is true when the field is a pointer (optional scalar).
	Pointer bool
	// Array is true for array parameters; Parse then reads one element.
	Array bool
	// Parse is the function the server reads one value from text with,
	// as it calls it: "svcgen.ParseInt32[int32]". Strings, which need no
	// parsing, have none; Convert is then the conversion to apply ("" for
	// string itself, "api.OrderStatus").
	Parse, Convert string
	// Default is a Go expression used when the parameter is absent, or ""
	// (written for the server, which reads parameters: "api.SortAsc").
	Default string
	// DefaultJSON is a default no Go literal can express, as a Go string
	// literal of JSON, or "".
	DefaultJSON string
	// Prefix and Suffix are literal text around a path parameter that shares
	// its segment with other text: "/files/{name}.json" has Suffix ".json".
	Prefix, Suffix string
	// Segment is set instead for a segment holding several parameters:
	// its literal texts, before, between and after them ("{base}...{head}":
	// "", "...", ""), SegmentIndex being this parameter's place among them.
	// Each parameter is read up to the first occurrence of the literal after
	// it.
	Segment      []string
	SegmentIndex int
	// Object is set for an object in the query: its properties arrive as
	// "name[prop]=v" (deepObject) or "prop=v" (form, exploded).
	Object *ObjectParam
	// JSON is true for a parameter described by content: its value is JSON
	// text of Type.
	JSON bool
	// Raw is true when the parameter could not be typed (objects, content
	// parameters) and is handed over as the raw string.
	Raw bool

	// Client says how the generated client sends it.
	Client ClientParam
}

// Body is a request body.
type Body struct {
	ContentType string // "application/json", "text/plain", "application/octet-stream"
	Kind        BodyKind
	Required    bool
	Type        *TypeRef // JSON bodies: the decoded type
	Description string
	// Pointer is true when the request field is a pointer (optional JSON body).
	Pointer bool
	// Example is a JSON example from the spec that passes the schema, or "".
	Example string

	// Form bodies: how each field of Type is read from its text value, and
	// (multipart) the file parts, which are fields of the request itself.
	Fields []*FormField
	Files  []*FileField
	// FormTypes lists the form media types ("application/x-www-form-urlencoded",
	// "multipart/form-data") a JSON body is also read from, Fields saying
	// how: the spec gives them the same schema, without file parts.
	FormTypes []string
}

// ReadsForms reports whether the body is read from a form: a form body,
// or a JSON body with form alternatives.
func (b *Body) ReadsForms() bool { return b.IsForm() || len(b.FormTypes) > 0 }

// IsForm reports whether the body is a form (urlencoded or multipart).
func (b *Body) IsForm() bool { return b.Kind == BodyForm || b.Kind == BodyMultipart }

// FormField is a field of a form body: its values are text, turned into
// JSON by Kind before the body is decoded like a JSON one.
type FormField struct {
	Name  string // wire name
	Kind  string // "string" (a JSON string), "number" or "bool" (JSON literals), "json" (the value is JSON text)
	Array bool   // repeated: every value is one element
}

// FileField is a file part of a multipart body.
type FileField struct {
	Name        string // part name
	GoName      string // field of the request struct
	Multiple    bool   // an array of files: []*File
	Required    bool
	Description string
}

// BodyKind says how a body is read or written.
type BodyKind string

const (
	BodyJSON BodyKind = "json"
	// BodyForm is application/x-www-form-urlencoded and BodyMultipart
	// multipart/form-data: fields decoded into Type, files into Files.
	BodyForm      BodyKind = "form"
	BodyMultipart BodyKind = "multipart"
	BodyText      BodyKind = "text"
	BodyBinary    BodyKind = "binary"
	BodyNone      BodyKind = "none"
)

// Response is one declared response of an operation.
type Response struct {
	Status      string // "200", "404", "default"
	StatusCode  int    // 0 for default
	GoName      string // "CreateOrder201Response"
	Description string
	ContentType string
	Kind        BodyKind
	Type        *TypeRef // JSON bodies
	Headers     []*Header
	// Dynamic is true for "default" and ranges such as "2XX": the handler
	// sets the status code.
	Dynamic bool
	// Example is a JSON body of Type that the generated client tests
	// answer with, or "".
	Example string
}

// Header is a declared response header.
type Header struct {
	Name   string // wire name
	GoName string
	Type   *TypeRef
}

// OperationExample holds values for generated tests: a valid request and
// one that breaks a constraint.
type OperationExample struct {
	Path string // request path with valid path parameter values, base path included
	// Query is a valid query string without the "?", or "".
	Query string
	// Body is a valid request body, or "" when the operation takes none.
	Body string
	// ContentType is the Content-Type header sent with Body.
	ContentType string
	// Headers are valid header values for required header parameters.
	Headers []KV
	// Valid is true when the example is known to pass validation, so the
	// test can expect the stub's 501; otherwise it only expects the route
	// to exist.
	Valid bool
	// Invalid is a request that must be answered 400, or nil when the
	// operation states no constraint that a request can break.
	Invalid *InvalidExample
	// Forms is the valid request sent as each form alternative of the JSON
	// body (Body.FormTypes) it can be encoded as.
	Forms []FormExample
}

// FormExample is a valid JSON request body encoded as a form.
type FormExample struct {
	Name        string // a Go identifier suffix: "AsForm", "AsMultipart"
	Body        string
	ContentType string
}

// KV is a name and value.
type KV struct{ Name, Value string }

// InvalidExample is a request that breaks one constraint.
type InvalidExample struct {
	Reason      string // what it breaks: "query parameter limit above maximum 100"
	Path        string
	Query       string
	Body        string
	ContentType string
	Headers     []KV
}

// Kind of a type or type reference.
type Kind string

const (
	KindString  Kind = "string"
	KindInt32   Kind = "int32"
	KindInt64   Kind = "int64"
	KindInt     Kind = "int"
	KindFloat32 Kind = "float32"
	KindFloat64 Kind = "float64"
	KindBool    Kind = "bool"
	KindTime    Kind = "time"   // date-time: time.Time
	KindDate    Kind = "date"   // date: Date (runtime type)
	KindBytes   Kind = "bytes"  // format byte: []byte (base64 on the wire)
	KindBinary  Kind = "binary" // raw binary: []byte
	KindAny     Kind = "any"    // free-form: json.RawMessage
	KindSlice   Kind = "slice"
	KindMap     Kind = "map"
	KindNamed   Kind = "named" // reference to a named Type
)

// TypeRef is a use of a type: a field's, a parameter's, an element's.
type TypeRef struct {
	Kind  Kind
	Named *Type    // KindNamed
	Elem  *TypeRef // KindSlice, KindMap

	// GoType is the Go type expression for a value: "string", "[]Order",
	// "map[string]int64", "time.Time", "OrderStatus".
	GoType string
	// Nullable is true when JSON null is an allowed value.
	Nullable bool
	// Format is the string format when one is validated: "email", "uuid"...
	Format string

	Check *Check // constraints, nil when none

	// Example is a string example the spec gives (example, examples or
	// default), used to build test requests for patterned strings.
	Example string
}

// In is the Go type expression of t written in another package that
// imports package api as pkg: "OrderStatus" → "api.OrderStatus".
func (t *TypeRef) In(pkg string) string {
	switch t.Kind {
	case KindNamed:
		return pkg + "." + t.Named.Name
	case KindDate:
		return "svcgen.Date"
	case KindSlice:
		return "[]" + t.Elem.In(pkg)
	case KindMap:
		return "map[string]" + t.Elem.In(pkg)
	}
	return t.GoType
}

// Redacts reports whether values of t carry write-only properties that a
// response must leave out: a named type that redacts, or a slice or map of
// one.
func (t *TypeRef) Redacts() bool {
	if t == nil {
		return false
	}
	switch t.Kind {
	case KindNamed:
		return t.Named.Redacts
	case KindSlice, KindMap:
		return t.Elem.Kind == KindNamed && t.Elem.Named.Redacts
	}
	return false
}

// HasCheck reports whether a value of this type needs validation code: its
// own constraints, or those of a named type or element type.
func (t *TypeRef) HasCheck() bool {
	if t == nil {
		return false
	}
	if t.Check != nil || t.Format != "" {
		return true
	}
	switch t.Kind {
	case KindNamed:
		return t.Named.Validates
	case KindSlice, KindMap:
		return t.Elem.HasCheck()
	}
	return false
}

// Check holds the constraints the spec states for a value.
type Check struct {
	MinLength        *int64
	MaxLength        *int64
	Pattern          *Pattern // nil when none or when RE2 cannot compile it
	Minimum          *Number
	Maximum          *Number
	ExclusiveMinimum bool
	ExclusiveMaximum bool
	MultipleOf       *Number
	MinItems         *int64
	MaxItems         *int64
	UniqueItems      bool
	MinProps         *int64
	MaxProps         *int64
	// Const is a Go literal the value must equal, or "".
	Const string
	// ConstJSON is the same value as JSON, for examples.
	ConstJSON string
}

// Number is a numeric bound, printed as a Go literal of the value's type.
type Number struct {
	Literal string // "100", "0.5"
	Text    string // as a person reads it in messages: "100"
	// Float is true for a fractional bound on an integer: the value is
	// compared as float64.
	Float bool
}

// Pattern is a regular expression compiled once into a package variable.
type Pattern struct {
	Var    string // "patternOrderSku"
	Source string // the expression as written in the spec
	Quoted string // Source as a Go string literal
	// InAPI and InServer say which package checks it: package api (the
	// schemas' types) or the server (parameters and bodies that are not
	// of a named type). Each declares the patterns it uses.
	InAPI, InServer bool
}

// TypeKind says what a named type is.
type TypeKind string

const (
	TypeStruct TypeKind = "struct"
	TypeEnum   TypeKind = "enum"
	TypeUnion  TypeKind = "union"
	TypeAlias  TypeKind = "alias" // a defined type over Underlying: slices, maps, scalars
)

// Type is a named Go type declaration.
type Type struct {
	Name      string
	Kind      TypeKind
	Doc       string // comment lines, without "//"
	Origin    string // JSON pointer of the schema it was made from
	Validates bool   // has a validate method
	// Custom is true when the struct needs its own JSON codec: it tracks
	// required fields, keeps additional properties or has property names a
	// struct tag cannot carry.
	Custom bool
	// Closed is true for additionalProperties: false: undeclared
	// properties are rejected.
	Closed bool
	// Redacts is true when values carry write-only properties, here or in
	// a nested type: responses send them through a redacted method.
	Redacts bool

	// Struct
	Fields []*Field
	// Extra is set when additionalProperties sits beside declared properties:
	// unknown keys are kept in an AdditionalProperties map of this type.
	Extra *TypeRef
	// Required lists the fields a decoder must see, in field order.
	Required []*Field

	// Enum
	Base   *TypeRef // underlying scalar
	Values []*EnumValue
	// Allowed lists the values for error messages, shortened for huge enums.
	Allowed string

	// Union (oneOf/anyOf)
	Variants      []*Variant
	Discriminator string // JSON property name, or "" when decoding tries each variant
	AnyOf         bool   // anyOf: first variant that fits wins; oneOf: exactly one

	// Alias
	Underlying *TypeRef
}

// HasDefaults reports whether any field has a spec default.
func (t *Type) HasDefaults() bool {
	for _, f := range t.Fields {
		if f.Default != "" || f.DefaultJSON != "" {
			return true
		}
	}
	return false
}

// Field is a struct field.
type Field struct {
	Name      string // JSON name as written; may be anything, even ""
	Key       string // Name as a Go string literal
	JSONKey   string // Name JSON-encoded (with quotes), as a Go string literal
	GoName    string
	Doc       string
	Type      *TypeRef
	Required  bool
	ReadOnly  bool
	WriteOnly bool
	// Shape says how the field is held in Go.
	Shape FieldShape
	// GoType is the field's complete Go type: "string", "*int32", "Nullable[string]".
	GoType string
	// Indirect is true for Nullable[*T]: a recursive type cannot hold
	// itself by value.
	Indirect bool
	// Tag is the complete struct tag: `json:"name,omitempty"`.
	Tag string
	// Default is a Go expression for the spec default, or "".
	Default string
	// DefaultJSON is the default as a Go string literal of JSON, for
	// defaults no Go literal can express (dates, arrays, objects), or "".
	DefaultJSON string
	// Check is true when the field's value needs validation.
	Check bool
	// RequiredIndex is the field's place in its type's Required list,
	// which is that of its flag in the type's missing array, or -1.
	RequiredIndex int
}

// FieldShape says how a field holds its value.
type FieldShape string

const (
	ShapeValue    FieldShape = "value"    // required, not nullable: T
	ShapePointer  FieldShape = "pointer"  // optional or nullable scalar/struct: *T
	ShapeNillable FieldShape = "nillable" // optional slice or map: nil means absent
	ShapeNullable FieldShape = "nullable" // optional and nullable: Nullable[T]
)

// EnumValue is one enum constant.
type EnumValue struct {
	GoName  string // "OrderStatusPending"
	Literal string // Go literal: `"pending"`, `3`
	Value   string // as written, for messages
}

// Variant is one alternative of a union.
type Variant struct {
	GoName string   // field name in the union struct: "Cat"
	Type   *TypeRef // variant type
	// Tags are the discriminator values that select this variant.
	Tags []string
	// JSONKind is the JSON token the variant starts with when decoding
	// without a discriminator: "object", "array", "string", "number",
	// "boolean".
	JSONKind string
}

// Coverage records what was honoured, degraded or not generated.
type Coverage struct {
	Operations int
	Types      int
	Items      []CoverageItem // sorted by pointer
}

// CoverageItem is one construct that was not fully honoured.
type CoverageItem struct {
	Pointer string // JSON pointer of the construct
	Status  string // "degraded" or "skipped"
	What    string // what it was
	Outcome string // what it became: "json.RawMessage", "not validated"
}

// Resource is a persistent collection inferred from the REST shape of the
// spec: a collection path and an item path whose bodies share an object
// schema. Its rows live in one table.
type Resource struct {
	Name       string // Go name, singular: "Customer"
	Plural     string // Go name, plural: "Customers"
	Table      string // SQL table: "customers"
	Collection string // collection path: "/customers/{customerId}/orders"
	Item       string // item path: "/customers/{customerId}/orders/{orderId}"
	Type       *Type  // the stored struct
	ID         *Column
	IDKind     string // "uuid", "int" or "string": how new ids are made
	// Parent is the resource this one is nested under, or nil.
	Parent       *Resource
	ParentColumn *Column // the column holding the parent's id
	Columns      []*Column
	CreatedAt    *Column // maintained by the store, or nil
	UpdatedAt    *Column
	// Initial lists required enum fields a create fills with their first
	// value when the client leaves them out.
	Initial []*InitialValue

	Create, List, Get, Replace, Patch, Delete *Operation

	// Filters are list query parameters matched to columns.
	Filters []*Filter
	// Limit and Offset are the list's pagination parameters, or nil.
	Limit, Offset *Param
	// ListItems is the JSON property holding the items when the list
	// response wraps them in an object, or "" when it is a bare array.
	ListItems string
	// Location is true when the create response declares a Location header.
	Location bool
	// Sample is a valid request body of the create operation, for the
	// generated tests, or "" when there is none.
	Sample string
	// LocationPrefix is a Go expression for the item path up to the new
	// id, base path included, built from the create request:
	// "/v1/customers/" + url.PathEscape(fmt.Sprint(req.CustomerID)) + "/orders/".
	LocationPrefix string
}

// Testable reports whether the generated tests can make a value of r and
// of each of its ancestors from the spec's create requests.
func (r *Resource) Testable() bool {
	return r.Sample != "" && (r.Parent == nil || r.Parent.Testable())
}

// CreatableOverHTTP reports whether the generated HTTP tests can create r's
// ancestors through the API and read their ids from the answers: each has
// a create with a sample body that answers with JSON.
func (r *Resource) CreatableOverHTTP() bool {
	for p := r.Parent; p != nil; p = p.Parent {
		if p.Create == nil || p.Sample == "" || p.Create.Success() == nil || p.Create.Success().Kind != BodyJSON {
			return false
		}
	}
	return true
}

// IDOf is the Go expression of the id of resource value v: "v.ID", or
// "*v.ID" when the id field is a pointer.
func (r *Resource) IDOf(v string) string {
	if r.ID.Field.Shape == ShapePointer {
		return "*" + v + "." + r.ID.Field.GoName
	}
	return v + "." + r.ID.Field.GoName
}

// Column is a table column.
type Column struct {
	Name     string // SQL name, quoted where used: "customer_id"
	Field    *Field // the struct field it stores, nil for a hidden parent key
	JSON     bool   // stored as JSON (objects, arrays, maps, unions)
	NotNull  bool
	SQLite   string // column type per dialect
	Postgres string
	// Zero is the SQL literal, the same in both dialects, of the value a
	// row holds when the column is added to a table that has rows, or made
	// NOT NULL: the Go zero value as stored ("''", "0", "false", "'[]'").
	Zero  string
	Index bool // indexed (parent keys, filters)
}

// Filter is a list query parameter that selects rows by a column.
type Filter struct {
	Param  *Param
	Column *Column
	// Convert is true when the parameter's Go type differs from the
	// column's but converts to it (an inline enum of the same values).
	Convert bool
}

// InitialValue is what a create fills in when the client leaves a field
// out: an enum's first value, or a const.
type InitialValue struct {
	Field *Field
	Value string // Go expression
	Zero  string // the Go zero value it replaces: "" or 0
}

// APIPatterns are the patterns package api checks (Pattern.InAPI).
func (s *Service) APIPatterns() []*Pattern {
	var out []*Pattern
	for _, p := range s.Patterns {
		if p.InAPI {
			out = append(out, p)
		}
	}
	return out
}

// ServerPatterns are the patterns the server checks (Pattern.InServer).
func (s *Service) ServerPatterns() []*Pattern {
	var out []*Pattern
	for _, p := range s.Patterns {
		if p.InServer {
			out = append(out, p)
		}
	}
	return out
}
