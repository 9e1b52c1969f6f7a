// Package prometheus stands in for client_golang's, for noprom.sh: the
// part of its API a generated service uses, counting but keeping nothing
// and exposing nothing, and with none of the package state the real one
// and its dependencies (procfs, client_model, common, yaml) leave live.
// A build with it measures what the metrics library costs a server.
package prometheus

import "sync/atomic"

type Labels map[string]string

type CounterOpts struct {
	Namespace, Subsystem, Name, Help string
	ConstLabels                      Labels
}

type HistogramOpts struct {
	Namespace, Subsystem, Name, Help string
	ConstLabels                      Labels
	Buckets                          []float64
}

var DefBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

type Desc struct{}

type Collector interface{ Describe(chan<- *Desc) }

type Registerer interface{ Register(Collector) error }

type Registry struct{}

func NewRegistry() *Registry                { return &Registry{} }
func (*Registry) Register(Collector) error  { return nil }
func (*Registry) MustRegister(...Collector) {}

type AlreadyRegisteredError struct{ ExistingCollector, NewCollector Collector }

func (AlreadyRegisteredError) Error() string { return "already registered" }

type Counter interface {
	Inc()
	Add(float64)
}

type Observer interface{ Observe(float64) }

// counter and observer do the atomic add the real ones do, so that the
// stub build still pays for counting.
type counter struct{ n atomic.Uint64 }

func (c *counter) Inc()        { c.n.Add(1) }
func (c *counter) Add(float64) { c.n.Add(1) }

type observer struct{ n atomic.Uint64 }

func (o *observer) Observe(float64) { o.n.Add(1) }

type CounterVec struct{}

func NewCounterVec(CounterOpts, []string) *CounterVec { return &CounterVec{} }
func (*CounterVec) Describe(chan<- *Desc)             {}
func (*CounterVec) WithLabelValues(...string) Counter { return &counter{} }

func NewCounter(CounterOpts) Counter { return &counter{} }

type HistogramVec struct{}

func NewHistogramVec(HistogramOpts, []string) *HistogramVec { return &HistogramVec{} }
func (*HistogramVec) Describe(chan<- *Desc)                 {}
func (*HistogramVec) WithLabelValues(...string) Observer    { return &observer{} }
