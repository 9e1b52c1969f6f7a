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
