// Package eventlog is the event log of a generated service
// (docs/ARCHITECTURE.md, "Events"): table svcgen_events holds every change
// to a stored resource, in order, with the resource's version after it.
// The store appends to it in the transaction that makes the change, so the
// log doubles as a transactional outbox: a change is never committed
// without its event, nor an event without its change. It needs only the
// database; package svcgenevents publishes the log and consumes other
// services' events.
//
// Events travel as CloudEvents 1.0 in JSON (structured mode), with the
// resource's version as the extension attribute "version".
package eventlog

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// Event is one entry of the log.
type Event struct {
	Seq        int64  // position in the log
	ID         string // unique: the JetStream message id and the consumers' key
	Type       string // "order.created": the resource, then what happened
	ResourceID string
	// Version is the resource's version after the change, from 1; for an
	// event of the service's own, its number among the events of its type
	// about its subject (Record).
	Version int64
	Time    time.Time
	// Data is the resource after the change, in JSON; nil for a deletion.
	Data        json.RawMessage
	PublishedAt *time.Time // nil until the relay has published it
}

// Resource is the resource part of the event's type: "order" for
// "order.created".
func (e *Event) Resource() string { return ResourceOf(e.Type) }

// ResourceOf is the resource part of an event type: "order" for
// "order.created", the whole type when it has no dot.
func ResourceOf(typ string) string {
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		return typ[:i]
	}
	return typ
}

// Change reports whether events of type typ are changes of a resource
// (order.created, .updated, .deleted) rather than events of a service's
// own (shipment.dispatched).
func Change(typ string) bool {
	switch typ[len(ResourceOf(typ)):] {
	case ".created", ".updated", ".deleted":
		return true
	}
	return false
}

// SequenceOf is what the versions of events of type typ count, per
// subject: the resource ("order") for its changes, the type itself
// ("shipment.dispatched") for an event of a service's own (Record). The
// log's resource column, History and the consumers' inbox go by it.
func SequenceOf(typ string) string {
	if Change(typ) {
		return ResourceOf(typ)
	}
	return typ
}

// Sequence is SequenceOf the event's type.
func (e *Event) Sequence() string { return SequenceOf(e.Type) }

// Queryer is what the log reads through: the database or a transaction.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Dialect tells the SQL flavour: PostgreSQL's placeholders are $1, $2...
type Dialect bool

const (
	SQLite   Dialect = false
	Postgres Dialect = true
)

// Rebind writes ? placeholders as the dialect wants them.
func (d Dialect) Rebind(q string) string {
	if d != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Append adds an event for the resource of type typ ("order.created") with
// the given id to the log, in tx, the transaction that makes the change.
// Its version is one more than the resource's last: call Append after the
// statement that writes the resource's row, whose lock orders concurrent
// changes of one resource. data is the resource after the change (nil for
// a deletion). It returns the event.
func Append(ctx context.Context, tx Queryer, d Dialect, typ, resourceID string, data []byte) (*Event, error) {
	e := &Event{ID: NewID(), Type: typ, ResourceID: resourceID, Time: Now(), Data: data}
	last, err := version(ctx, tx, d, e.Resource(), resourceID)
	if err != nil {
		return nil, fmt.Errorf("event log: %w", err)
	}
	e.Version = last + 1
	var payload any
	if data != nil {
		payload = string(data)
	}
	_, err = tx.ExecContext(ctx, d.Rebind(`INSERT INTO "svcgen_events" ("id", "type", "resource", "resource_id", "version", "time", "data") VALUES (?, ?, ?, ?, ?, ?, ?)`),
		e.ID, e.Type, e.Resource(), e.ResourceID, e.Version, e.Time, payload)
	if err != nil {
		return nil, fmt.Errorf("event log: %w", err)
	}
	return e, nil
}

// Record adds an event of the service's own (not a resource's change) to
// the log, in tx: typ is "shipment.dispatched", subject what it is about
// (an id, or ""), data its payload in JSON. Its version counts the events
// of that type about that subject, from 1 (with subject "", the type's
// events as a whole): a sequence of its own, apart from any resource's
// versions, so that consumers can apply them in order. The log keeps
// them under the type itself (SequenceOf). On PostgreSQL a transaction
// lock on the type and subject orders concurrent recorders, as a
// resource's row lock orders its changes; SQLite has one writer at a time.
func Record(ctx context.Context, tx Queryer, d Dialect, typ, subject string, data []byte) (*Event, error) {
	e := &Event{ID: NewID(), Type: typ, ResourceID: subject, Time: Now(), Data: data}
	if d == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, typ+" "+subject); err != nil {
			return nil, fmt.Errorf("event log: %w", err)
		}
	}
	last, err := version(ctx, tx, d, typ, subject)
	if err != nil {
		return nil, fmt.Errorf("event log: %w", err)
	}
	e.Version = last + 1
	_, err = tx.ExecContext(ctx, d.Rebind(`INSERT INTO "svcgen_events" ("id", "type", "resource", "resource_id", "version", "time", "data") VALUES (?, ?, ?, ?, ?, ?, ?)`),
		e.ID, e.Type, typ, e.ResourceID, e.Version, e.Time, string(data))
	if err != nil {
		return nil, fmt.Errorf("event log: %w", err)
	}
	return e, nil
}

// Version returns the resource's current version: the version of its last
// event, 0 when it has none.
func Version(ctx context.Context, q Queryer, d Dialect, resource, resourceID string) (int64, error) {
	return version(ctx, q, d, resource, resourceID)
}

func version(ctx context.Context, q Queryer, d Dialect, resource, resourceID string) (int64, error) {
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, d.Rebind(`SELECT MAX("version") FROM "svcgen_events" WHERE "resource" = ? AND "resource_id" = ?`), resource, resourceID).Scan(&v)
	return v.Int64, err
}

// History returns the events of one resource, oldest first; resource may
// also be the type of an event of the service's own (SequenceOf), whose
// events about resourceID it returns.
func History(ctx context.Context, q Queryer, d Dialect, resource, resourceID string) ([]Event, error) {
	return Scan(q.QueryContext(ctx, d.Rebind(`SELECT `+Columns+` FROM "svcgen_events" WHERE "resource" = ? AND "resource_id" = ? ORDER BY "version"`), resource, resourceID))
}

// All calls fn with every event of the resource (every event when resource
// is ""), in log order, a page at a time.
func All(ctx context.Context, q Queryer, d Dialect, resource string, fn func(*Event) error) error {
	var after int64
	for {
		var (
			events []Event
			err    error
		)
		if resource == "" {
			events, err = Scan(q.QueryContext(ctx, d.Rebind(`SELECT `+Columns+` FROM "svcgen_events" WHERE "seq" > ? ORDER BY "seq" LIMIT 500`), after))
		} else {
			events, err = Scan(q.QueryContext(ctx, d.Rebind(`SELECT `+Columns+` FROM "svcgen_events" WHERE "resource" = ? AND "seq" > ? ORDER BY "seq" LIMIT 500`), resource, after))
		}
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		for i := range events {
			if err := fn(&events[i]); err != nil {
				return err
			}
		}
		after = events[len(events)-1].Seq
	}
}

// Fold replays the changes of one resource type (noun: "order") into the
// state each resource is in after them: the data of its last event, and no
// entry once deleted. It returns the state and how many events it read.
func Fold(ctx context.Context, q Queryer, d Dialect, noun string) (map[string]json.RawMessage, int, error) {
	state := map[string]json.RawMessage{}
	n := 0
	err := All(ctx, q, d, noun, func(e *Event) error {
		if !Change(e.Type) {
			// An event of the service's own that an earlier svcgen logged
			// under the resource's name, unversioned.
			return nil
		}
		n++
		if e.Data == nil {
			delete(state, e.ResourceID)
		} else {
			state[e.ResourceID] = e.Data
		}
		return nil
	})
	return state, n, err
}

// Columns are the columns of svcgen_events that Scan reads, in its order:
// SELECT `+Columns+` FROM "svcgen_events" ...
const Columns = `"seq", "id", "type", "resource_id", "version", "time", "data", "published_at"`

// Scan reads the events of a query that selected Columns; it takes the
// query's results as they come (rows, err), closes rows, and returns
// times in UTC.
func Scan(rows *sql.Rows, err error) ([]Event, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e    Event
			data sql.NullString
			pub  sql.NullTime
		)
		if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.ResourceID, &e.Version, &e.Time, &data, &pub); err != nil {
			return nil, err
		}
		if data.Valid {
			e.Data = json.RawMessage(data.String)
		}
		if pub.Valid {
			t := pub.Time
			e.PublishedAt = &t
		}
		e.Time = e.Time.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// envelope is an event as it travels: a CloudEvents 1.0 JSON event. The
// generated contract types of each resource's events (api.OrderEvent...)
// read the same fields.
type envelope struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Subject         string          `json:"subject"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype,omitempty"`
	Version         int64           `json:"version,omitempty"`
	Data            json.RawMessage `json:"data,omitempty"`
}

// Encode returns the event as published by the service source.
func (e *Event) Encode(source string) ([]byte, error) {
	env := envelope{SpecVersion: "1.0", ID: e.ID, Source: source, Type: e.Type, Subject: e.ResourceID, Time: e.Time, Version: e.Version, Data: e.Data}
	if e.Data != nil {
		env.DataContentType = "application/json"
	}
	return svcgen.Marshal(&env)
}

// EncodeJSON writes the envelope as CloudEvents' JSON format, as
// encoding/json would by its tags.
func (env *envelope) EncodeJSON(e *svcgen.Encoder) {
	e.ObjectStart()
	e.Key(`"specversion"`)
	e.String(env.SpecVersion)
	e.Key(`"id"`)
	e.String(env.ID)
	e.Key(`"source"`)
	e.String(env.Source)
	e.Key(`"type"`)
	e.String(env.Type)
	e.Key(`"subject"`)
	e.String(env.Subject)
	e.Key(`"time"`)
	e.Time(env.Time)
	if env.DataContentType != "" {
		e.Key(`"datacontenttype"`)
		e.String(env.DataContentType)
	}
	if env.Version != 0 {
		e.Key(`"version"`)
		e.Int(env.Version)
	}
	if len(env.Data) > 0 {
		e.Key(`"data"`)
		e.Raw(env.Data)
	}
	e.ObjectEnd()
}

// DecodeJSON reads an envelope; attributes it does not know are skipped.
func (env *envelope) DecodeJSON(d *svcgen.Decoder) error {
	return d.Object(func(key []byte) error {
		switch string(key) {
		case "specversion":
			return svcgen.Decode(d, &env.SpecVersion)
		case "id":
			return svcgen.Decode(d, &env.ID)
		case "source":
			return svcgen.Decode(d, &env.Source)
		case "type":
			return svcgen.Decode(d, &env.Type)
		case "subject":
			return svcgen.Decode(d, &env.Subject)
		case "time":
			return svcgen.Decode(d, &env.Time)
		case "datacontenttype":
			return svcgen.Decode(d, &env.DataContentType)
		case "version":
			return svcgen.Decode(d, &env.Version)
		case "data":
			return svcgen.Decode(d, &env.Data)
		}
		return d.Skip()
	})
}

// Decode reads the attributes of a published event; Data stays JSON.
func Decode(b []byte) (*Event, string, error) {
	var env envelope
	if err := svcgen.Unmarshal(b, &env); err != nil {
		return nil, "", err
	}
	if env.SpecVersion != "1.0" || env.ID == "" || env.Type == "" || env.Source == "" {
		return nil, "", errors.New("not a CloudEvents 1.0 event: specversion, id, source and type are required")
	}
	return &Event{ID: env.ID, Type: env.Type, ResourceID: env.Subject, Version: env.Version, Time: env.Time, Data: env.Data}, env.Source, nil
}

// Subject is the NATS subject an event of type typ from the service source
// is published on: "orders.order.created".
func Subject(source, typ string) string { return source + "." + typ }

// Stream is the JetStream stream holding the events of the service source:
// "ORDERS_EVENTS", with the subjects "orders.>".
func Stream(source string) string { return strings.ToUpper(source) + "_EVENTS" }

// NewID returns a random event id (a version 4 UUID).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Now is the time events are stamped with: UTC, to the microsecond (what
// PostgreSQL keeps).
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
