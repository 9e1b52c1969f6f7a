package model

// ClientParam is how the generated client sends a parameter of the
// request req: when, and the Go expression of its text.
type ClientParam struct {
	// If is the Go condition under which it is sent, "" for always:
	// "req.Limit != nil", "len(req.Tags) > 0". An optional parameter that
	// is no pointer (it has a default) is left out at its zero value, so
	// that the server applies the default.
	If string
	// Text is the Go expression of its text, a string: "svcgen.FormatInt(*req.Limit)".
	// With Each it is a []string, one query value each (an exploded
	// array). For a JSON parameter (Param.JSON) or an object in the query
	// (Param.Object) it is the value itself, which the runtime writes.
	Text string
	Each bool
}

// ClientInvalid is a change to a valid request of type api.XxxRequest,
// req, that breaks one constraint the server checks.
type ClientInvalid struct {
	Set   string // a Go statement: `req.CustomerID = "not-a-uuid"`
	In    string // where the server reports it: path, query, header or body
	Field string // the field error's Field: the parameter's or property's name
}

// ClientExample is the valid example request of an operation
// (OperationExample) with every optional parameter svcgen can make a value
// for: the client's tests send it as it is, then through the client, and
// the service must get the same request both times.
type ClientExample struct {
	Query   string
	Headers []KV
}
