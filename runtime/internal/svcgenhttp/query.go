package svcgenhttp

import (
	"net/url"
	"strings"
)

// Query is a request's query string split into its parameters, in the
// order they were sent, each name and value decoded as url.ParseQuery
// decodes them. A handler reads only the parameters its operation
// declares, so a list it scans costs less than the map of url.Values
// (three allocations and a hash per name): with a buffer on the handler's
// stack, a query of up to eight parameters allocates nothing unless a
// value needs unescaping.
type Query []QueryParam

// QueryParam is one name=value pair of a query string.
type QueryParam struct {
	Name, Value string
}

// maxQueryParams is net/url's bound (defaultMaxParams): beyond it a query
// string is read as none at all, as url.ParseQuery does.
const maxQueryParams = 10000

// ParseQuery appends the parameters of raw (a URL's RawQuery) to buf and
// returns it. It skips what url.ParseQuery skips: empty pairs, pairs with
// a semicolon, pairs whose escapes are invalid; and, like it, reads
// nothing from a query of more than 10,000 parameters.
func ParseQuery(raw string, buf Query) Query {
	if raw == "" || strings.Count(raw, "&") >= maxQueryParams {
		return buf
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.IndexByte(pair, ';') >= 0 {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(name) // no copy without '%' or '+'
		if err != nil {
			continue
		}
		if value, err = url.QueryUnescape(value); err != nil {
			continue
		}
		buf = append(buf, QueryParam{name, value})
	}
	return buf
}

// Get returns the first value of the parameter called name and how many
// times the query gives it (0: absent).
func (q Query) Get(name string) (value string, n int) {
	for i := range q {
		if q[i].Name == name {
			if n == 0 {
				value = q[i].Value
			}
			n++
		}
	}
	return value, n
}

// Values returns every value of the parameter called name, in order, and
// whether the query gives it at all (url.Values' q[name]).
func (q Query) Values(name string) ([]string, bool) {
	var values []string
	for i := range q {
		if q[i].Name == name {
			values = append(values, q[i].Value)
		}
	}
	return values, values != nil
}
