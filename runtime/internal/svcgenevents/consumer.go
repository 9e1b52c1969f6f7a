package svcgenevents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/internal/svcgenevents/eventlog"
)

// Handler applies one event, given as published (CloudEvents JSON). ctx
// carries the transaction that records the event as processed: the
// store's calls made with it commit together with that record, or not at
// all.
type Handler func(ctx context.Context, event []byte) error

// Subscription is one kind of event a service consumes.
type Subscription struct {
	Source string // the producing service: "orders"
	Type   string // the event's type: "order.created"
	Handle Handler
}

// ErrNotHandled is what a handler svcgen wrote and nobody filled in yet
// returns: the event is parked at once, to be retried (events retry) when
// the handler is written.
var ErrNotHandled = errors.New("no handler written for this event yet")

// Permanent marks an error that retrying cannot fix (an event that does
// not decode or is invalid): the event is parked at once.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// InTx runs fn in a database transaction that ctx carries to the store.
type InTx func(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error

// Consumer feeds a service's subscriptions from durable JetStream
// consumers, one per producing service, named after this service.
//
// Each event is applied once in effect: its id goes into svcgen_inbox in
// the transaction of the handler's writes, and an event whose id is there
// already is acknowledged without calling the handler. Events of one
// resource are applied in version order: one whose predecessor has not
// been applied yet is put back for later. A handler that fails is retried
// in place with a growing pause (Backoff), so that later events of the same
// resource do not overtake it; after Attempts failures, and at once for an
// event that cannot be decoded, the event is parked in svcgen_parked, where
// `events parked` lists it and `events retry` applies it again, and the
// consumer goes on with the next.
type Consumer struct {
	DB      *sql.DB
	Dialect Dialect
	Name    string // this service: the durable consumers' name
	InTx    InTx
	Subs    []Subscription
	Log     *slog.Logger
	// Attempts is how many times a failing handler runs before its event
	// is parked (default 5); Backoff the pauses between (default 100ms,
	// 500ms, 2s, 5s; the last repeats).
	Attempts int
	Backoff  []time.Duration
	// Wait is how long an event waits for its predecessor before being
	// offered again (default 1s); after Attempts×10 offers it is parked.
	Wait time.Duration

	metrics *consumerMetrics
}

// NewConsumer returns a consumer with its metrics registered in reg (which
// may be nil).
func NewConsumer(db *sql.DB, d Dialect, name string, inTx InTx, subs []Subscription, log *slog.Logger, reg prometheus.Registerer) *Consumer {
	return &Consumer{DB: db, Dialect: d, Name: name, InTx: inTx, Subs: subs, Log: log, metrics: newConsumerMetrics(reg)}
}

// Run consumes until ctx is done; it returns ctx's error.
func (c *Consumer) Run(ctx context.Context, nc *nats.Conn) error {
	if c.metrics == nil {
		c.metrics = newConsumerMetrics(nil)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	bySource := map[string][]Subscription{}
	for _, s := range c.Subs {
		bySource[s.Source] = append(bySource[s.Source], s)
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	done := make(chan struct{}, len(sources))
	for _, source := range sources {
		go func() {
			c.consume(ctx, js, source, bySource[source])
			done <- struct{}{}
		}()
	}
	for range sources {
		<-done
	}
	return ctx.Err()
}

// consume reads the events of one producing service.
func (c *Consumer) consume(ctx context.Context, js jetstream.JetStream, source string, subs []Subscription) {
	handlers := map[string]Handler{}
	for _, s := range subs {
		handlers[s.Type] = s.Handle
	}
	pause := newBackoff()
	for ctx.Err() == nil {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		cons, err := js.CreateOrUpdateConsumer(cctx, Stream(source), jetstream.ConsumerConfig{
			Durable:       c.Name,
			Description:   "the " + c.Name + " service's subscriptions",
			FilterSubject: filter(source, subs),
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       30 * time.Second,
			DeliverPolicy: jetstream.DeliverAllPolicy,
			MaxAckPending: 1000,
		})
		cancel()
		if err != nil {
			// Most often the producer has not created its stream yet.
			c.Log.Info("waiting for the events of "+source, "stream", Stream(source), "error", err)
			pause.wait(ctx)
			continue
		}
		for ctx.Err() == nil {
			batch, err := cons.Fetch(100, jetstream.FetchMaxWait(time.Second))
			if err != nil {
				c.Log.Warn("fetching events", "source", source, "error", err)
				pause.wait(ctx)
				break
			}
			msgs := batch.Messages()
			for msg := range msgs {
				// The messages already here go in one transaction.
				group := []jetstream.Msg{msg}
			more:
				for len(group) < groupSize {
					select {
					case m, ok := <-msgs:
						if !ok {
							break more
						}
						group = append(group, m)
					default:
						break more
					}
				}
				c.handleGroup(ctx, source, group, handlers)
			}
			if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
				c.Log.Warn("fetching events", "source", source, "error", err)
				pause.wait(ctx)
				break
			}
			pause = newBackoff()
		}
	}
}

// filter is the one subject filter that covers the subscriptions (NATS
// servers before 2.10 take only one): the exact subject for a single
// event type, "orders.order.*" for several of one resource, "orders.>"
// otherwise. Events it lets through that nobody subscribed to are
// acknowledged and skipped.
func filter(source string, subs []Subscription) string {
	if len(subs) == 1 {
		return Subject(source, subs[0].Type)
	}
	noun := eventlog.ResourceOf(subs[0].Type)
	for _, s := range subs[1:] {
		if eventlog.ResourceOf(s.Type) != noun {
			return source + ".>"
		}
	}
	return source + "." + noun + ".*"
}

// groupSize is the most events applied in one transaction: one commit
// (one fsync) for many events is what lets a consumer keep up with a busy
// producer.
const groupSize = 100

// handleGroup applies the events of group in one transaction, each behind
// a savepoint: an event whose handler fails, or that must wait for its
// predecessor, is rolled back alone and then handled by itself (retried,
// put back or parked), after the others are committed and acknowledged.
// An event of a resource whose earlier event in the group failed finds
// that version missing and waits, so order holds.
func (c *Consumer) handleGroup(ctx context.Context, source string, group []jetstream.Msg, handlers map[string]Handler) {
	if len(group) == 1 {
		c.handle(ctx, source, group[0], handlers)
		return
	}
	type item struct {
		msg   jetstream.Msg
		event *Event
		h     Handler
		out   outcome
		err   error
	}
	var items []*item
	for _, m := range group {
		e, from, err := Decode(m.Data())
		var h Handler
		if err == nil {
			h = handlers[e.Type]
		}
		if err != nil || from != source || h == nil {
			c.handle(ctx, source, m, handlers) // parked or skipped, alone
			continue
		}
		items = append(items, &item{msg: m, event: e, h: h})
	}
	err := c.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i, it := range items {
			sp := "svcgen_event_" + strconv.Itoa(i)
			if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
				return err
			}
			it.out, it.err = c.applyIn(ctx, tx, source, it.event, it.msg.Data(), it.h)
			if it.out == applied && it.err == nil {
				if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); err != nil {
				return err
			}
		}
		return nil
	})
	for _, it := range items {
		switch {
		case ctx.Err() != nil:
			return // not acknowledged: delivered again after a restart
		case err == nil && it.err == nil && (it.out == applied || it.out == duplicate):
			c.metrics.count(it.out)
			_ = it.msg.Ack()
		default:
			c.handle(ctx, source, it.msg, handlers)
		}
	}
}

// outcome is what became of one delivery.
type outcome int

const (
	applied   outcome = iota
	duplicate         // applied before: acknowledged without the handler
	early             // its predecessor is not applied yet: offered again later
	failed            // the handler failed: tried again
	skipped           // an event type nobody subscribed to
)

// handle applies one message and acknowledges it, puts it back, or parks it.
func (c *Consumer) handle(ctx context.Context, source string, msg jetstream.Msg, handlers map[string]Handler) {
	e, from, err := Decode(msg.Data())
	if err == nil && from != source {
		err = fmt.Errorf("event from %q on the stream of %q", from, source)
	}
	var h Handler
	if err == nil {
		if h = handlers[e.Type]; h == nil {
			c.metrics.count(skipped) // let through by a wider filter
			_ = msg.Ack()
			return
		}
	}
	meta, _ := msg.Metadata()
	if err != nil {
		id := ""
		if e != nil {
			id = e.ID
		}
		c.park(ctx, source, id, msg.Subject(), msg.Data(), 1, Permanent(err))
		_ = msg.Term()
		return
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	for attempt := 1; ; attempt++ {
		out, err := c.apply(ctx, source, e, msg.Data(), h)
		switch {
		case ctx.Err() != nil:
			return // not acknowledged: delivered again after a restart
		case out == applied || out == duplicate:
			c.metrics.count(out)
			_ = msg.Ack()
			return
		case out == early:
			c.metrics.count(out)
			offers := 1
			if meta != nil {
				offers = int(meta.NumDelivered)
			}
			if offers < attempts*10 {
				wait := c.Wait
				if wait <= 0 {
					wait = time.Second
				}
				_ = msg.NakWithDelay(wait)
				return
			}
			err = fmt.Errorf("version %d of %s %s waited %d times for version %d", e.Version, e.Sequence(), e.ResourceID, offers, e.Version-1)
		}
		var perm permanentError
		if errors.As(err, &perm) || errors.Is(err, ErrNotHandled) || attempt >= attempts {
			c.park(ctx, source, e.ID, msg.Subject(), msg.Data(), attempt, err)
			_ = msg.Ack()
			return
		}
		c.metrics.count(failed)
		c.Log.Warn("event handler failed; retrying", "event", e.ID, "type", e.Type, "attempt", attempt, "error", err)
		_ = msg.InProgress()
		c.sleep(ctx, attempt)
	}
}

func (c *Consumer) sleep(ctx context.Context, attempt int) {
	pauses := c.Backoff
	if len(pauses) == 0 {
		pauses = []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second, 5 * time.Second}
	}
	d := pauses[min(attempt-1, len(pauses)-1)]
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// apply runs the handler in a transaction that records the event.
func (c *Consumer) apply(ctx context.Context, source string, e *Event, raw []byte, h Handler) (outcome, error) {
	var out outcome
	err := c.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = c.applyIn(ctx, tx, source, e, raw, h)
		if err == nil && out != applied {
			return errSkip // nothing to keep
		}
		return err
	})
	if errors.Is(err, errSkip) {
		return out, nil
	}
	if err != nil {
		return failed, err
	}
	return applied, nil
}

// applyIn records the event in tx and runs its handler there, unless it
// was applied before (duplicate) or its predecessor was not (early).
func (c *Consumer) applyIn(ctx context.Context, tx *sql.Tx, source string, e *Event, raw []byte, h Handler) (outcome, error) {
	res, err := tx.ExecContext(ctx, c.Dialect.Rebind(`INSERT INTO "svcgen_inbox" ("event_id", "source", "resource", "resource_id", "version", "processed_at") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("event_id") DO NOTHING`),
		e.ID, source, e.Sequence(), e.ResourceID, e.Version, Now())
	if err != nil {
		return failed, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return failed, err
	} else if n == 0 {
		return duplicate, nil
	}
	if e.Version > 1 && c.ordered(source, e.Type) {
		var last sql.NullInt64
		err := tx.QueryRowContext(ctx, c.Dialect.Rebind(`SELECT MAX("version") FROM "svcgen_inbox" WHERE "source" = ? AND "resource" = ? AND "resource_id" = ? AND "version" < ?`),
			source, e.Sequence(), e.ResourceID, e.Version).Scan(&last)
		if err != nil {
			return failed, err
		}
		if last.Int64 < e.Version-1 {
			return early, nil
		}
	}
	if err := h(ctx, raw); err != nil {
		return failed, err
	}
	return applied, nil
}

// ordered reports whether the consumer sees every event of the sequence
// events of type typ from source are versioned in (eventlog.SequenceOf),
// so that it can hold an event back until its predecessor is applied: for
// a resource's changes, when it subscribes to .created, .updated and
// .deleted; for an event of the producer's own, always (its versions
// count that type only). Otherwise events are applied in the order they
// arrive.
func (c *Consumer) ordered(source, typ string) bool {
	if !eventlog.Change(typ) {
		return true
	}
	resource := eventlog.ResourceOf(typ)
	n := 0
	for _, s := range c.Subs {
		if s.Source == source && eventlog.Change(s.Type) && eventlog.ResourceOf(s.Type) == resource {
			n++
		}
	}
	return n == 3
}

// errSkip rolls back a transaction that has nothing to do.
var errSkip = errors.New("skip")

// park keeps an event that could not be applied, for an operator.
func (c *Consumer) park(ctx context.Context, source, id, subject string, data []byte, attempts int, cause error) {
	c.metrics.parked.Inc()
	if id == "" {
		id = "undecodable-" + NewID()
	}
	c.Log.Error("event parked", "event", id, "subject", subject, "attempts", attempts, "error", cause)
	_, err := c.DB.ExecContext(ctx, c.Dialect.Rebind(`INSERT INTO "svcgen_parked" ("event_id", "source", "subject", "data", "error", "attempts", "parked_at") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("event_id") DO NOTHING`),
		id, source, subject, string(data), cause.Error(), attempts, Now())
	if err != nil {
		c.Log.Error("parking an event failed", "event", id, "error", err)
	}
}

// Parked is an event the consumer gave up on.
type Parked struct {
	EventID  string
	Source   string
	Subject  string
	Data     []byte
	Error    string
	Attempts int
	ParkedAt time.Time
}

// ListParked returns the parked events, oldest first.
func ListParked(ctx context.Context, db *sql.DB) ([]Parked, error) {
	rows, err := db.QueryContext(ctx, `SELECT "event_id", "source", "subject", "data", "error", "attempts", "parked_at" FROM "svcgen_parked" ORDER BY "parked_at", "event_id"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Parked
	for rows.Next() {
		var (
			p    Parked
			data string
		)
		if err := rows.Scan(&p.EventID, &p.Source, &p.Subject, &data, &p.Error, &p.Attempts, &p.ParkedAt); err != nil {
			return nil, err
		}
		p.Data = []byte(data)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Retry applies the parked events again, oldest first, and unparks those
// that are applied now (or were already). It returns how many were.
func (c *Consumer) Retry(ctx context.Context) (int, error) {
	parked, err := ListParked(ctx, c.DB)
	if err != nil {
		return 0, err
	}
	handlers := map[string]Handler{}
	for _, s := range c.Subs {
		handlers[s.Source+" "+s.Type] = s.Handle
	}
	n := 0
	var errs []error
	for _, p := range parked {
		e, source, err := Decode(p.Data)
		if err == nil && handlers[source+" "+e.Type] == nil {
			err = fmt.Errorf("no subscription to %s from %s", e.Type, source)
		}
		if err == nil {
			var out outcome
			out, err = c.apply(ctx, source, e, p.Data, handlers[source+" "+e.Type])
			if err == nil && out == early {
				err = fmt.Errorf("version %d of %s %s: version %d is not applied yet", e.Version, e.Sequence(), e.ResourceID, e.Version-1)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("event %s: %w", p.EventID, err))
			continue
		}
		if _, err := c.DB.ExecContext(ctx, c.Dialect.Rebind(`DELETE FROM "svcgen_parked" WHERE "event_id" = ?`), p.EventID); err != nil {
			return n, err
		}
		n++
	}
	return n, errors.Join(errs...)
}

// consumerMetrics count what became of each delivery.
type consumerMetrics struct {
	outcomes *prometheus.CounterVec
	parked   prometheus.Counter
	byOut    [5]prometheus.Counter
}

func newConsumerMetrics(reg prometheus.Registerer) *consumerMetrics {
	m := &consumerMetrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "svcgen_events_consumed_total", Help: "Deliveries of subscribed events, by outcome."}, []string{"outcome"}),
		parked:   prometheus.NewCounter(prometheus.CounterOpts{Name: "svcgen_events_parked_total", Help: "Events parked after failing (events parked lists them)."}),
	}
	for i, name := range []string{"applied", "duplicate", "early", "failed", "skipped"} {
		m.byOut[i] = m.outcomes.WithLabelValues(name)
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.outcomes, m.parked} {
			if err := reg.Register(c); err != nil {
				var are prometheus.AlreadyRegisteredError
				if !errors.As(err, &are) {
					panic(err)
				}
			}
		}
	}
	return m
}

func (m *consumerMetrics) count(o outcome) { m.byOut[o].Inc() }
