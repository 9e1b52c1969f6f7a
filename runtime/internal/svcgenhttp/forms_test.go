package svcgenhttp

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// formBody is what the form tests decode into.
type formBody struct {
	Name   string         `json:"name"`
	Count  *float64       `json:"count"`
	OK     *bool          `json:"ok"`
	Tags   []string       `json:"tags"`
	Sizes  []int          `json:"sizes"`
	Meta   map[string]any `json:"meta"`
	Path   *float64       `json:"a/b"`
	Secret string         `json:"secret"`
}

var formFields = []FormField{
	{Name: "name", Kind: 's'},
	{Name: "count", Kind: 'n'},
	{Name: "ok", Kind: 'b'},
	{Name: "tags", Kind: 's', Array: true},
	{Name: "sizes", Kind: 'n', Array: true},
	{Name: "meta", Kind: 'j'},
	{Name: "a/b", Kind: 'n'},
}

func urlencoded(values url.Values) *http.Request {
	return request("application/x-www-form-urlencoded", strings.NewReader(values.Encode()))
}

func TestDecodeFormURLEncoded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values url.Values
		want   formBody
		errs   svcgen.Errors
	}{
		{"every kind", url.Values{
			"name":  {`Ada "the first"`},
			"count": {"2.5"},
			"ok":    {"true"},
			"tags":  {"a", "b"},
			"sizes": {"1", "2"},
			"meta":  {`{"k":[1]}`},
		}, formBody{Name: `Ada "the first"`, Count: ptr(2.5), OK: ptr(true), Tags: []string{"a", "b"}, Sizes: []int{1, 2},
			Meta: map[string]any{"k": []any{1.0}}}, nil},
		{"first value of a single field", url.Values{"name": {"a", "b"}}, formBody{Name: "a"}, nil},
		{"undeclared fields ignored", url.Values{"secret": {"x"}, "name": {"n"}}, formBody{Name: "n"}, nil},
		{"empty string kept", url.Values{"name": {""}}, formBody{}, nil},
		{"every bad value reported, the rest decoded", url.Values{
			"name":  {"kept"},
			"count": {"many"},
			"ok":    {"yes"},
			"meta":  {"{"},
			"sizes": {"1", "x"},
		}, formBody{Name: "kept", Sizes: []int{1, 0}}, svcgen.Errors{
			{In: "body", Field: "count", Pointer: "#/count", Detail: "must be a number"},
			{In: "body", Field: "ok", Pointer: "#/ok", Detail: "must be true or false"},
			{In: "body", Field: "sizes[1]", Pointer: "#/sizes/1", Detail: "must be a number"},
			{In: "body", Field: "meta", Pointer: "#/meta", Detail: "must be JSON"},
		}},
		{"numbers JSON can not hold", url.Values{"count": {"NaN"}}, formBody{}, svcgen.Errors{
			{In: "body", Field: "count", Pointer: "#/count", Detail: "must be a number"}}},
		{"hex is no number", url.Values{"count": {"0x10"}}, formBody{}, svcgen.Errors{
			{In: "body", Field: "count", Pointer: "#/count", Detail: "must be a number"}}},
		{"empty number", url.Values{"count": {""}}, formBody{}, svcgen.Errors{
			{In: "body", Field: "count", Pointer: "#/count", Detail: "must be a number"}}},
		{"pointer escaped", url.Values{"a/b": {"x"}}, formBody{}, svcgen.Errors{
			{In: "body", Field: "a/b", Pointer: "#/a~1b", Detail: "must be a number"}}},
		{"a value of the wrong JSON type", url.Values{"sizes": {"1.5"}}, formBody{Sizes: []int{0}}, svcgen.Errors{
			{In: "body", Field: "sizes", Pointer: "#/sizes", Detail: "must be an integer, not number 1.5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got formBody
			var errs svcgen.Errors
			ok, form, err := DecodeForm(httptest.NewRecorder(), urlencoded(tc.values), &got, BodyRules{Limit: 1 << 20, Required: true}, "application/x-www-form-urlencoded", formFields, &errs)
			if err != nil || form != nil {
				t.Fatalf("err %v, form %v", err, form)
			}
			// Values that do not fit are sent as null, so decoding goes on;
			// one whose JSON is of the wrong type stops it.
			if ok != (tc.name != "a value of the wrong JSON type") {
				t.Errorf("ok = %v", ok)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %+v\nwant    %+v", got, tc.want)
			}
			if !reflect.DeepEqual(errs, tc.errs) {
				t.Errorf("errs %#v\nwant %#v", errs, tc.errs)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A form body is read whatever the method: r.ParseForm reads none for
// DELETE.
func TestDecodeFormAnyMethod(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, "QUERY"} {
		r := urlencoded(url.Values{"name": {"n"}, "count": {"x"}})
		r.Method = method
		var got formBody
		var errs svcgen.Errors
		ok, _, err := DecodeForm(httptest.NewRecorder(), r, &got, BodyRules{Limit: 1 << 20, Required: true}, "application/x-www-form-urlencoded", formFields, &errs)
		if !ok || err != nil || got.Name != "n" || len(errs) != 1 {
			t.Errorf("%s: ok=%v err=%v got %+v errs %v", method, ok, err, got, errs)
		}
	}
}

const (
	urlencodedForm = "application/x-www-form-urlencoded"
	multipartForm  = "multipart/form-data"
)

func TestDecodeFormRefusals(t *testing.T) {
	for _, tc := range []struct {
		name     string
		r        *http.Request
		media    string
		required bool
		ok       bool
		status   int
		errs     svcgen.Errors
	}{
		{"required and missing", request("application/x-www-form-urlencoded", nil), urlencodedForm, true, false, 0,
			svcgen.Errors{{In: "body", Pointer: "#", Detail: "a request body is required"}}},
		{"optional and missing", request("", nil), urlencodedForm, false, false, 0, nil},
		{"JSON sent to a form", request("application/json", strings.NewReader(`{"name":"a"}`)), urlencodedForm, true, false, 415, nil},
		{"multipart sent to urlencoded", request("multipart/form-data; boundary=x", strings.NewReader("--x--")), urlencodedForm, true, false, 415, nil},
		{"urlencoded sent to multipart", request("application/x-www-form-urlencoded", strings.NewReader("name=a")), multipartForm, true, false, 415, nil},
		{"unparsable content type", request("application/x-www-form-urlencoded; =", strings.NewReader("name=a")), urlencodedForm, true, false, 415, nil},
		{"multipart without boundary", request("multipart/form-data", strings.NewReader("name=a")), multipartForm, true, false, 400, nil},
		{"malformed multipart", request("multipart/form-data; boundary=zz", strings.NewReader("garbage")), multipartForm, true, false, 400, nil},
		{"malformed urlencoded", request("application/x-www-form-urlencoded", strings.NewReader("name=%zz")), urlencodedForm, true, false, 400, nil},
		{"urlencoded too large", request("application/x-www-form-urlencoded", strings.NewReader("name="+strings.Repeat("a", 200))), urlencodedForm, true, false, 413, nil},
		{"multipart too large", multipartRequest(map[string]string{"name": strings.Repeat("a", 200)}, nil), multipartForm, true, false, 413, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got formBody
			var errs svcgen.Errors
			ok, _, err := DecodeForm(httptest.NewRecorder(), tc.r, &got, BodyRules{Limit: 100, Required: tc.required}, tc.media, formFields, &errs)
			if ok != tc.ok || statusOf(err) != tc.status || (err != nil) != (tc.status != 0) {
				t.Errorf("ok=%v err=%v, want status %d", ok, err, tc.status)
			}
			if !reflect.DeepEqual(errs, tc.errs) {
				t.Errorf("errs %#v\nwant %#v", errs, tc.errs)
			}
		})
	}
}

type upload struct {
	filename, contentType, content string
}

// multipartRequest returns a multipart/form-data request with the fields
// and files (part name → files) given.
func multipartRequest(fields map[string]string, files map[string][]upload) *http.Request {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, ups := range files {
		for _, up := range ups {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="`+name+`"; filename="`+up.filename+`"`)
			h.Set("Content-Type", up.contentType)
			pw, _ := mw.CreatePart(h)
			_, _ = io.WriteString(pw, up.content)
		}
	}
	_ = mw.Close()
	return request(mw.FormDataContentType(), &body)
}

func TestDecodeFormMultipart(t *testing.T) {
	r := multipartRequest(map[string]string{"name": "report", "count": "x", "ok": "false"}, map[string][]upload{
		"doc":    {{"a.txt", "text/plain", "first"}},
		"images": {{"1.png", "image/png", "\x89PNG1"}, {"2.png", "image/png", "\x89PNG2"}},
	})
	var got formBody
	var errs svcgen.Errors
	ok, form, err := DecodeForm(httptest.NewRecorder(), r, &got, BodyRules{Limit: 1 << 20, Required: true}, "multipart/form-data", formFields, &errs)
	if err != nil || !ok || form == nil {
		t.Fatalf("ok=%v form=%v err=%v", ok, form, err)
	}
	defer func() { _ = form.RemoveAll() }()
	if got.Name != "report" || got.OK == nil || *got.OK || got.Count != nil {
		t.Errorf("decoded %+v", got)
	}
	want := svcgen.Errors{{In: "body", Field: "count", Pointer: "#/count", Detail: "must be a number"}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errs %#v", errs)
	}

	doc := FileOf(form, "doc")
	if doc == nil || doc.Filename != "a.txt" || doc.ContentType != "text/plain" || doc.Size != 5 {
		t.Fatalf("doc %+v", doc)
	}
	if got := readFile(t, doc); got != "first" {
		t.Errorf("doc content %q", got)
	}
	images := FilesOf(form, "images")
	if len(images) != 2 || images[0].Filename != "1.png" || images[1].Filename != "2.png" {
		t.Fatalf("images %+v", images)
	}
	if got := readFile(t, images[1]); got != "\x89PNG2" {
		t.Errorf("second image %q", got)
	}
	if FileOf(form, "none") != nil || FilesOf(form, "none") != nil {
		t.Error("a part that was not sent has files")
	}
	if FileOf(nil, "doc") != nil || FilesOf(nil, "doc") != nil {
		t.Error("a nil form has files")
	}
}

// A form with files only and no body type: v is nil, the form is still
// read.
func TestDecodeFormFilesOnly(t *testing.T) {
	r := multipartRequest(nil, map[string][]upload{"doc": {{"a.txt", "text/plain", "x"}}})
	var errs svcgen.Errors
	ok, form, err := DecodeForm(httptest.NewRecorder(), r, nil, BodyRules{Limit: 1 << 20, Required: true}, "multipart/form-data", nil, &errs)
	if !ok || err != nil || form == nil || FileOf(form, "doc") == nil {
		t.Fatalf("ok=%v err=%v form=%v", ok, err, form)
	}
	_ = form.RemoveAll()
}

func readFile(t *testing.T, f *svcgen.File) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDecodeJSONOrForm(t *testing.T) {
	forms := []string{"application/x-www-form-urlencoded", "multipart/form-data"}
	for _, tc := range []struct {
		name   string
		r      *http.Request
		want   formBody
		status int
		detail string
	}{
		{"json", request("application/json", strings.NewReader(`{"name":"j","tags":["x"]}`)), formBody{Name: "j", Tags: []string{"x"}}, 0, ""},
		{"no content type: json", request("", strings.NewReader(`{"name":"j"}`)), formBody{Name: "j"}, 0, ""},
		{"urlencoded", urlencoded(url.Values{"name": {"u"}, "tags": {"x", "y"}}), formBody{Name: "u", Tags: []string{"x", "y"}}, 0, ""},
		{"multipart", multipartRequest(map[string]string{"name": "m"}, nil), formBody{Name: "m"}, 0, ""},
		{"other", request("text/plain", strings.NewReader("name")), formBody{}, 415,
			"the body must be application/json, application/x-www-form-urlencoded or multipart/form-data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got formBody
			var errs svcgen.Errors
			ok, err := DecodeJSONOrForm(httptest.NewRecorder(), tc.r, &got, BodyRules{Limit: 1 << 20, Required: true}, &errs, formFields, forms...)
			if statusOf(err) != tc.status || ok != (tc.status == 0) || len(errs) != 0 {
				t.Fatalf("ok=%v err=%v errs=%v", ok, err, errs)
			}
			if err != nil && err.(*svcgen.Error).Detail != tc.detail {
				t.Errorf("detail %q", err.(*svcgen.Error).Detail)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %+v, want %+v", got, tc.want)
			}
		})
	}
	// A form type the operation does not take is refused.
	var got formBody
	var errs svcgen.Errors
	_, err := DecodeJSONOrForm(httptest.NewRecorder(), multipartRequest(map[string]string{"name": "m"}, nil), &got, BodyRules{Limit: 1 << 20, Required: true}, &errs, formFields, forms[0])
	if statusOf(err) != 415 {
		t.Errorf("multipart to a urlencoded-only operation: %v", err)
	}
}

func TestQueryObject(t *testing.T) {
	fields := []FormField{{Name: "color", Kind: 's'}, {Name: "size", Kind: 'n'}, {Name: "ids", Kind: 'n', Array: true}}
	for _, tc := range []struct {
		name  string
		query string
		deep  bool
		want  string
		ok    bool
		errs  svcgen.Errors
	}{
		{"deep", "filter[color]=red&filter[size]=3&other=1", true, `{"color":"red","size":3}`, true, nil},
		{"deep array", "filter[ids]=1&filter[ids]=2", true, `{"ids":[1,2]}`, true, nil},
		{"deep ignores plain names", "color=red", true, "", false, nil},
		{"deep absent", "x=1", true, "", false, nil},
		{"form style", "color=red&size=3", false, `{"color":"red","size":3}`, true, nil},
		{"form style ignores deep names", "filter[color]=red", false, "", false, nil},
		{"deep bad number", "filter[size]=big&filter[color]=red", true, `{"color":"red","size":null}`, true,
			svcgen.Errors{{In: "query", Field: "filter[size]", Detail: "must be a number"}}},
		{"form bad number", "size=big", false, `{"size":null}`, true,
			svcgen.Errors{{In: "query", Field: "size", Detail: "must be a number"}}},
		{"deep bad item", "filter[ids]=1&filter[ids]=x", true, `{"ids":[1,null]}`, true,
			svcgen.Errors{{In: "query", Field: "filter[ids][1]", Detail: "must be a number"}}},
		{"form bad item", "ids=x&ids=2", false, `{"ids":[null,2]}`, true,
			svcgen.Errors{{In: "query", Field: "ids[0]", Detail: "must be a number"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs svcgen.Errors
			got, ok := QueryObject(ParseQuery(tc.query, nil), "filter", tc.deep, fields, &errs)
			if string(got) != tc.want || ok != tc.ok {
				t.Errorf("got %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
			if !reflect.DeepEqual(errs, tc.errs) {
				t.Errorf("errs %#v\nwant %#v", errs, tc.errs)
			}
		})
	}
}

func TestParseJSON(t *testing.T) {
	v, err := ParseJSON[map[string]int](`{"a":1}`)
	if err != nil || v["a"] != 1 {
		t.Errorf("got %v, %v", v, err)
	}
	if _, err := ParseJSON[[]int](`{"a":1}`); err == nil {
		t.Error("an object read as an array")
	}
	if _, err := ParseJSON[int](`1 2`); err == nil {
		t.Error("trailing data accepted")
	}
}

// TestFormFreeForm checks a free-form field: JSON text as it is, other
// text as a string (what svcgen's client sends for a string value).
func TestFormFreeForm(t *testing.T) {
	fields := []FormField{{Name: "source", Kind: 'a'}, {Name: "meta", Kind: 'a'}, {Name: "strict", Kind: 'j'}}
	var errs svcgen.Errors
	got := formJSON(url.Values{"source": {"form"}, "meta": {`{"a":1}`}, "strict": {"form"}}, fields, "body", "", &errs)
	if want := `{"source":"form","meta":{"a":1},"strict":null}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if len(errs) != 1 || errs[0].Field != "strict" {
		t.Errorf("errors %v, want one for strict, whose text must be JSON", errs)
	}
}
