package svcgen

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// Parameter writers for clients: each Format function writes the text form
// that the Parse function of the same type reads.

// FormatString writes a string or a string enum.
func FormatString[T ~string](v T) string { return string(v) }

// FormatInt writes an integer or an integer enum.
func FormatInt[T ~int | ~int32 | ~int64](v T) string { return strconv.FormatInt(int64(v), 10) }

// FormatFloat32 writes a number in the fewest digits that read back the
// same float32.
func FormatFloat32[T ~float32](v T) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

// FormatFloat64 writes a number in the fewest digits that read back the
// same float64.
func FormatFloat64[T ~float64](v T) string { return strconv.FormatFloat(float64(v), 'g', -1, 64) }

// FormatBool writes true or false.
func FormatBool(v bool) string { return strconv.FormatBool(v) }

// FormatDateTime writes an RFC 3339 date-time, to the nanosecond.
func FormatDateTime(v time.Time) string { return v.Format(time.RFC3339Nano) }

// FormatDate writes YYYY-MM-DD.
func FormatDate(v Date) string { return v.String() }

// FormatBytes writes base64.
func FormatBytes(v []byte) string { return base64.StdEncoding.EncodeToString(v) }

// FormatJSON writes a parameter whose value is JSON text.
func FormatJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// FormatEach writes every item of an array parameter.
func FormatEach[T any](vs []T, format func(T) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = format(v)
	}
	return out
}

// FormValues turns v, a value that encodes as a JSON object, into form
// values as a service's form decoder reads them back: a string property
// as its text, a number, boolean or object as its JSON text, an array as
// one value per item (none for an empty one); null properties are left
// out. With a prefix the keys
// are prefix[property], as a deepObject query parameter has them.
func FormValues(v any, prefix string) (url.Values, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	values := make(url.Values, len(fields))
	for name, raw := range fields {
		key := name
		if prefix != "" {
			key = prefix + "[" + name + "]"
		}
		var items []json.RawMessage
		if JSONKind(raw) == "array" {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, err
			}
		} else {
			items = []json.RawMessage{raw}
		}
		for _, item := range items {
			switch JSONKind(item) {
			case "null":
				continue
			case "string":
				var s string
				if err := json.Unmarshal(item, &s); err != nil {
					return nil, err
				}
				values[key] = append(values[key], s)
			default:
				values[key] = append(values[key], string(bytes.TrimSpace(item)))
			}
		}
	}
	return values, nil
}
