// Package collectors stands in for client_golang's (see package prometheus).
package collectors

import "github.com/prometheus/client_golang/prometheus"

type ProcessCollectorOpts struct{}

type none struct{}

func (none) Describe(chan<- *prometheus.Desc) {}

func NewGoCollector(...any) prometheus.Collector                    { return none{} }
func NewProcessCollector(ProcessCollectorOpts) prometheus.Collector { return none{} }
