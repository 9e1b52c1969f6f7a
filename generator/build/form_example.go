package build

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/textproto"
	"net/url"

	"github.com/svcgen/svcgen/generator/model"
)

// testBoundary separates the parts of multipart test requests.
const testBoundary = "svcgen-test-boundary"

// formBody encodes a JSON object example as the form body b declares,
// with a small text file for each file part (absent ones listed in skip
// are left out). ok is false when a value cannot be sent as form text.
func formBody(b *model.Body, jsonBody string, skip map[string]bool) (body, contentType string, ok bool) {
	return encodeForm(b, b.Kind, jsonBody, skip)
}

// encodeForm is formBody for a form of kind (BodyForm or BodyMultipart),
// which may be a form alternative of a JSON body.
func encodeForm(b *model.Body, kind model.BodyKind, jsonBody string, skip map[string]bool) (body, contentType string, ok bool) {
	ct := b.ContentType
	if kind != b.Kind {
		ct = "application/x-www-form-urlencoded"
	}
	obj := map[string]json.RawMessage{}
	if jsonBody != "" {
		if err := json.Unmarshal([]byte(jsonBody), &obj); err != nil {
			return "", ct, false
		}
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, f := range b.Fields {
		raw, has := obj[f.Name]
		if !has {
			continue
		}
		vals := []json.RawMessage{raw}
		if f.Array {
			vals = nil
			if err := json.Unmarshal(raw, &vals); err != nil {
				return "", ct, false
			}
			if len(vals) == 0 {
				// An empty array is no field at all in a form: a required
				// one needs an element to be present.
				elem, required := requiredElem(b, f.Name)
				if required {
					if elem == nil {
						return "", ct, false
					}
					vals = []json.RawMessage{elem}
				}
			}
		}
		for _, v := range vals {
			text, good := formText(f.Kind, v)
			if !good {
				return "", ct, false
			}
			pairs = append(pairs, kv{f.Name, text})
		}
	}
	if kind == model.BodyForm {
		if len(pairs) == 0 && b.Required {
			return "", ct, false // an empty form is no body, and one is required
		}
		q := url.Values{}
		for _, p := range pairs {
			q.Add(p.k, p.v)
		}
		return q.Encode(), ct, true
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(testBoundary); err != nil {
		return "", ct, false
	}
	for _, p := range pairs {
		if err := w.WriteField(p.k, p.v); err != nil {
			return "", ct, false
		}
	}
	for _, f := range b.Files {
		if skip[f.Name] {
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+escapeQuotes(f.Name)+`"; filename="test.txt"`)
		h.Set("Content-Type", "text/plain")
		part, err := w.CreatePart(h)
		if err != nil {
			return "", ct, false
		}
		if _, err := part.Write([]byte("hello\n")); err != nil {
			return "", ct, false
		}
	}
	if err := w.Close(); err != nil {
		return "", ct, false
	}
	return buf.String(), w.FormDataContentType(), true
}

// requiredElem reports whether the field name of form body b is required
// and, if so, gives an example element of its array (nil when there is
// none to be sure of).
func requiredElem(b *model.Body, name string) (json.RawMessage, bool) {
	if b.Type == nil || b.Type.Named == nil {
		return nil, false
	}
	for _, f := range b.Type.Named.Required {
		if f.Name != name {
			continue
		}
		if f.Type == nil || f.Type.Elem == nil {
			return nil, true
		}
		v, ok := exampleValue(f.Type.Elem, 1)
		out, err := json.Marshal(v)
		if !ok || err != nil {
			return nil, true
		}
		return out, true
	}
	return nil, false
}

// formText is the form text of a JSON value for a field of kind.
func formText(kind string, v json.RawMessage) (string, bool) {
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return "", false
	}
	switch kind {
	case "string":
		s, ok := x.(string)
		return s, ok
	case "number":
		_, ok := x.(float64)
		return string(v), ok
	case "bool":
		_, ok := x.(bool)
		return string(v), ok
	}
	return string(v), true
}

// invalidForm is a form request that must get 400: without a required
// field (an unknown field keeps the body present) or a required file, or
// with text where a number belongs.
func invalidForm(b *model.Body) *model.InvalidExample {
	if b.Type != nil && len(b.Type.Named.Required) > 0 {
		name := b.Type.Named.Required[0].Name
		body, ct := "svcgen_unknown=1", b.ContentType
		if b.Kind == model.BodyMultipart {
			var ok bool
			if body, ct, ok = formBody(b, "", nil); !ok {
				return nil
			}
		}
		return &model.InvalidExample{Reason: "form without required field " + quote(name), Body: body, ContentType: ct}
	}
	for _, f := range b.Files {
		if f.Required {
			body, ct, ok := formBody(b, "", map[string]bool{f.Name: true})
			if !ok {
				return nil
			}
			return &model.InvalidExample{Reason: "form without required file " + quote(f.Name), Body: body, ContentType: ct}
		}
	}
	for _, f := range b.Fields {
		if f.Kind == "number" {
			body, ct := url.Values{f.Name: {"not-a-number"}}.Encode(), b.ContentType
			if b.Kind == model.BodyMultipart {
				var buf bytes.Buffer
				w := multipart.NewWriter(&buf)
				_ = w.SetBoundary(testBoundary)
				_ = w.WriteField(f.Name, "not-a-number")
				_ = w.Close()
				body, ct = buf.String(), w.FormDataContentType()
			}
			return &model.InvalidExample{Reason: "form field " + quote(f.Name) + " is not a number", Body: body, ContentType: ct}
		}
	}
	return nil
}

func escapeQuotes(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(`"`), []byte(`\"`)))
}
