// Package svcgenevents moves a generated service's events
// (docs/ARCHITECTURE.md, "Events"):
//
//   - the Relay publishes the event log's unpublished events (package
//     eventlog) to NATS JetStream in log order, with the event id as the
//     message id.
//   - the Consumer applies the events of other services through typed
//     handlers, once in effect: the event's id is recorded (table
//     svcgen_inbox) in the transaction of the handler's writes.
package svcgenevents

import "github.com/svcgen/svcgen/runtime/internal/svcgenevents/eventlog"

// Aliases for what services use of the log with the rest of this package.
type (
	Dialect = eventlog.Dialect
	Event   = eventlog.Event
	Queryer = eventlog.Queryer
)

const (
	SQLite   = eventlog.SQLite
	Postgres = eventlog.Postgres
)

// History, ListParked and the rest are what events_gen.go's commands use.
var (
	History = eventlog.History
	Fold    = eventlog.Fold
	Stream  = eventlog.Stream
	Subject = eventlog.Subject
	Decode  = eventlog.Decode
	Now     = eventlog.Now
	NewID   = eventlog.NewID
)
