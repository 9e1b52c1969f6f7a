package svcgenevents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/internal/svcgenevents/eventlog"
)

// Relay publishes the events of the log that are not published yet to NATS
// JetStream, oldest first, and marks them published once the broker has
// stored them. The event id is the message id (Nats-Msg-Id), so the broker
// drops a message it already holds, inside its duplicate window, when the
// relay publishes an event again after a crash between publishing and
// marking; consumers drop the rest by id.
//
// One relay publishes at a time: on PostgreSQL the relay of each replica
// waits for a session advisory lock; SQLite has one process. A resource's
// events are published in version order: a change waits for the lock on
// the resource's row, so its event comes after the previous one in the log.
type Relay struct {
	DB      *sql.DB
	Dialect Dialect
	// Source is the service's name: events go to the subjects
	// Source.<type> of the stream Stream(Source), which the relay creates.
	Source string
	Log    *slog.Logger
	// Batch is how many events one query reads (default 100).
	Batch int
	// Duplicates is the stream's duplicate window (default 2 minutes).
	Duplicates time.Duration
	// Idle is how often the relay looks for new events when nothing woke
	// it (default 200ms): other replicas' changes, or a missed wake-up.
	Idle time.Duration

	wake    chan struct{}
	metrics *relayMetrics
}

// NewRelay returns a relay for the service source over db, with its
// metrics registered in reg (which may be nil).
func NewRelay(db *sql.DB, d Dialect, source string, log *slog.Logger, reg prometheus.Registerer) *Relay {
	r := &Relay{DB: db, Dialect: d, Source: source, Log: log, wake: make(chan struct{}, 1)}
	r.metrics = newRelayMetrics(reg, db, d)
	return r
}

// Wake tells the relay that events were committed; it never blocks.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Connect connects to the NATS server at url, retrying in the background
// for as long as it is unreachable: the service starts, serves and keeps
// its events in the log meanwhile.
func Connect(url, name string, log *slog.Logger) (*nats.Conn, error) {
	return nats.Connect(url,
		nats.Name(name),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("NATS connection lost", "error", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("NATS connection back", "url", c.ConnectedUrlRedacted()) }),
	)
}

// Run publishes until ctx is done. Broker and database errors are logged,
// counted and retried with a growing pause; Run returns only ctx's error.
func (r *Relay) Run(ctx context.Context, nc *nats.Conn) error {
	if r.wake == nil {
		r.wake = make(chan struct{}, 1)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	pause := newBackoff()
	for ctx.Err() == nil {
		err := r.lead(ctx, js)
		if ctx.Err() != nil {
			break
		}
		r.Log.Warn("event relay", "error", err)
		pause.wait(ctx)
	}
	return ctx.Err()
}

// lead publishes while it holds the relay lock; it returns on any error.
func (r *Relay) lead(ctx context.Context, js jetstream.JetStream) error {
	if err := r.ensureStream(ctx, js); err != nil {
		return fmt.Errorf("stream %s: %w", Stream(r.Source), err)
	}
	var q Queryer = r.DB
	if r.Dialect == Postgres {
		conn, err := r.DB.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		for {
			var got bool
			if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, relayLockID(r.Source)).Scan(&got); err != nil {
				return err
			}
			if got {
				break
			}
			select { // another replica publishes; take over if it stops
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(2 * time.Second):
			}
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _ = conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, relayLockID(r.Source))
		}()
		q = conn
	}
	idle := r.Idle
	if idle <= 0 {
		idle = 200 * time.Millisecond
	}
	tick := time.NewTicker(idle)
	defer tick.Stop()
	for {
		n, err := r.publishBatch(ctx, q, js)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.wake:
		case <-tick.C:
		}
	}
}

// ensureStream creates the service's stream, or brings its settings up to
// date.
func (r *Relay) ensureStream(ctx context.Context, js jetstream.JetStream) error {
	dup := r.Duplicates
	if dup <= 0 {
		dup = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        Stream(r.Source),
		Description: "events of the " + r.Source + " service, published by its outbox relay",
		Subjects:    []string{r.Source + ".>"},
		Storage:     jetstream.FileStorage,
		Duplicates:  dup,
	})
	return err
}

// publishBatch publishes up to Batch unpublished events and marks them.
func (r *Relay) publishBatch(ctx context.Context, q Queryer, js jetstream.JetStream) (int, error) {
	limit := r.Batch
	if limit <= 0 {
		limit = 100
	}
	events, err := eventlog.Scan(q.QueryContext(ctx, r.Dialect.Rebind(`SELECT `+eventlog.Columns+` FROM "svcgen_events" WHERE "published_at" IS NULL ORDER BY "seq" LIMIT ?`), limit))
	if err != nil {
		return 0, fmt.Errorf("reading the outbox: %w", err)
	}
	if len(events) == 0 {
		return 0, nil
	}
	done := make([]int64, 0, len(events))
	var pubErr error
	for i := range events {
		e := &events[i]
		body, err := e.Encode(r.Source)
		if err != nil {
			pubErr = err
			break
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = js.Publish(pctx, Subject(r.Source, e.Type), body, jetstream.WithMsgID(e.ID))
		cancel()
		if err != nil {
			r.metrics.failures.Inc()
			pubErr = fmt.Errorf("publishing event %s: %w", e.ID, err)
			break
		}
		r.metrics.published.Inc()
		r.metrics.latency.Observe(time.Since(e.Time).Seconds())
		done = append(done, e.Seq)
	}
	if len(done) > 0 {
		if err := r.mark(ctx, q, done); err != nil {
			return 0, err
		}
	}
	return len(done), pubErr
}

// mark records the events as published.
func (r *Relay) mark(ctx context.Context, q Queryer, seqs []int64) error {
	var b strings.Builder
	args := make([]any, 0, len(seqs)+1)
	args = append(args, Now())
	b.WriteString(`UPDATE "svcgen_events" SET "published_at" = ? WHERE "seq" IN (`)
	for i, s := range seqs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("?")
		args = append(args, s)
	}
	b.WriteString(")")
	if _, err := q.ExecContext(ctx, r.Dialect.Rebind(b.String()), args...); err != nil {
		return fmt.Errorf("marking events published: %w", err)
	}
	return nil
}

// relayLockID is the advisory lock of the service's relay.
func relayLockID(source string) int64 {
	h := fnv.New64a()
	h.Write([]byte("svcgen relay " + source))
	return int64(h.Sum64())
}

// backoff is a pause that doubles from 100ms to 5s between failures.
type backoff struct{ next time.Duration }

func newBackoff() *backoff { return &backoff{next: 100 * time.Millisecond} }

func (b *backoff) wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(b.next):
	}
	if b.next *= 2; b.next > 5*time.Second {
		b.next = 5 * time.Second
	}
}

// relayMetrics are the outbox's metrics in /metrics.
type relayMetrics struct {
	published prometheus.Counter
	failures  prometheus.Counter
	latency   prometheus.Observer
}

func newRelayMetrics(reg prometheus.Registerer, db *sql.DB, d Dialect) *relayMetrics {
	m := &relayMetrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{Name: "svcgen_outbox_published_total", Help: "Events the relay published to NATS JetStream."}),
		failures:  prometheus.NewCounter(prometheus.CounterOpts{Name: "svcgen_outbox_publish_failures_total", Help: "Attempts to publish an event that failed (retried)."}),
	}
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "svcgen_outbox_publish_delay_seconds",
		Help:    "Time from an event's commit to the broker's acknowledgement of it.",
		Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 30, 300},
	})
	m.latency = h
	if reg != nil {
		for _, c := range []prometheus.Collector{m.published, m.failures, h, &outboxCollector{db: db, d: d}} {
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

// outboxCollector reports the outbox's lag when /metrics is scraped: how
// many events wait to be published, and the age of the oldest.
type outboxCollector struct {
	db *sql.DB
	d  Dialect
}

var (
	pendingDesc = prometheus.NewDesc("svcgen_outbox_pending_events", "Events committed but not yet published.", nil, nil)
	ageDesc     = prometheus.NewDesc("svcgen_outbox_oldest_pending_seconds", "Age of the oldest event not yet published (0 when none).", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- pendingDesc; ch <- ageDesc }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var (
		n      int64
		oldest sql.NullTime
	)
	// Two queries: MIN of a timestamp column loses its type on SQLite.
	if err := c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM "svcgen_events" WHERE "published_at" IS NULL`).Scan(&n); err != nil {
		ch <- prometheus.NewInvalidMetric(pendingDesc, err)
		return
	}
	if n > 0 {
		_ = c.db.QueryRowContext(ctx, `SELECT "time" FROM "svcgen_events" WHERE "published_at" IS NULL ORDER BY "seq" LIMIT 1`).Scan(&oldest)
	}
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(n))
	age := 0.0
	if oldest.Valid {
		age = time.Since(oldest.Time).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, age)
}
