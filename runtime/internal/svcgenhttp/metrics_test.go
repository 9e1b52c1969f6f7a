package svcgenhttp_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/internal/svcgenhttp"
)

// Requests are counted by method, route and status, through the cached
// series as through the first lookup.
func TestRequestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, Registry: reg})
	s.Handle("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "0" {
			w.WriteHeader(http.StatusNotFound)
		}
	})
	for _, p := range []string{"/pets/1", "/pets/2", "/pets/0", "/pets/3", "/nowhere"} {
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	got := map[string]float64{}
	durations := 0
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := ""
			for _, l := range m.GetLabel() {
				labels += l.GetName() + "=" + l.GetValue() + " "
			}
			switch f.GetName() {
			case "http_requests_total":
				got[labels] = m.GetCounter().GetValue()
			case "http_request_duration_seconds":
				durations++
			}
		}
	}
	want := map[string]float64{
		"method=GET route=/ status=404 ":              1,
		"method=GET route=GET /pets/{id} status=200 ": 3,
		"method=GET route=GET /pets/{id} status=404 ": 1,
	}
	if !maps.Equal(got, want) {
		t.Errorf("http_requests_total %v, want %v", got, want)
	}
	if durations != 2 {
		t.Errorf("%d duration series, want 2 (one per method and route)", durations)
	}
}

// A route that answers many methods (a pattern without one) keeps a short
// list of its own and counts the rest through the shared cache: every
// request is still counted once.
func TestRequestMetricsManyMethods(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, Registry: reg})
	s.Handle("/any", func(w http.ResponseWriter, r *http.Request) {})
	for i := range 40 {
		method := "M" + string(rune('A'+i%20))
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/any", nil))
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total, series := 0.0, 0
	for _, f := range families {
		if f.GetName() == "http_requests_total" {
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
				series++
			}
		}
	}
	if total != 40 || series != 20 {
		t.Errorf("%v requests in %d series, want 40 in 20", total, series)
	}
}
