// Command orders serves the Orders API.
//
// This file is yours: svcgen wrote it once and merges its own later changes
// into your edits on regenerate.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"example.com/orders/internal/server"
	"example.com/orders/internal/service"
	"example.com/orders/internal/store"
	"example.com/orders/internal/svcgenhttp"
)

// version is the build's version, logged at start-up and reported by
// /healthz. Builds stamp it: go build -ldflags "-X main.version=1.2.3" (the
// Dockerfile does, from its VERSION argument); it defaults to the spec's
// info.version.
var version = "1.0.0"

// spec is the API description, served at /openapi.yaml.
//
//go:embed openapi.yaml
var spec []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run starts the server and blocks until ctx is done, then shuts down
// gracefully. Everything it needs comes in as arguments, so tests call it
// in-process.
//
// Environment: PORT (default 8080), LOG_LEVEL (debug, info, warn, error;
// default info), DATABASE_URL (postgres://…, sqlite:PATH, or unset for
// SQLite at data/orders.db) and DB_MAX_OPEN_CONNS, DB_MAX_IDLE_CONNS,
// DB_CONN_MAX_LIFETIME, OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_*
// variables for traces. With the argument "migrate" it applies the
// database migrations and exits.
//
// NATS_URL (nats://host:4222) is the NATS server that events go through;
// with the argument "events" it runs an events command (events_gen.go).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// Log lines go out in batches, every 100 ms and on the way out: a
	// request's line costs a copy rather than a write.
	logOut := svcgenhttp.NewLogBuffer(stdout, 100*time.Millisecond)
	defer logOut.Close()
	logger, err := newLogger(getenv("LOG_LEVEL"), logOut)
	if err != nil {
		return err
	}
	// Traces go over OTLP to OTEL_EXPORTER_OTLP_ENDPOINT when it is set,
	// with the other standard OTEL_* variables; unset, tracing is off.
	stopTracing, err := svcgenhttp.SetupTracing(ctx, getenv, "orders", version)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(ctx); err != nil {
			logger.Warn("flushing traces", "error", err)
		}
	}()

	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}

	dbConfig, err := store.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, dbConfig)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if len(args) > 1 && args[1] == "migrate" {
		logger.Info("migrations applied", "database", db.Dialect.String())
		return nil
	}

	svc := service.New(logger, db)
	if len(args) > 1 && args[1] == "events" {
		return eventsCommand(ctx, args[2:], db, svc, logger, stdout)
	}
	// The server's, the connection limits' and the events' metrics go to
	// one registry, served at /metrics.
	registry := svcgenhttp.NewRegistry()
	// Events go through NATS_URL (events_gen.go).
	stopEvents, err := startEvents(ctx, getenv, logger, db, svc, registry)
	if err != nil {
		return err
	}
	defer stopEvents()
	handler := server.NewHandler(svc, server.Options{
		Logger:   logger,
		Spec:     spec,
		Registry: registry,
		// The event log versions every resource: answers carry its
		// version as ETag, and If-Match makes changes conditional (412).
		Versioned: true,
		Ready: func(r *http.Request) error {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			return db.PingContext(ctx)
		},
		Version: version, // reported by /healthz
	})
	srv := &http.Server{
		Handler:  handler,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(getenv("HOST"), port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// The connections' time limits stand for http.Server's timeouts, which
	// would cost each request timers of its own: reading its headers, its
	// body (408 past it), the handler's answer (the connection is closed
	// past it) and waiting for a kept-alive connection's next request.
	// What each limit ends is counted in http_connections_limited_total.
	ln = svcgenhttp.WatchConns(srv, ln, svcgenhttp.ConnLimits{
		Header:  5 * time.Second,
		Body:    30 * time.Second,
		Answer:  30 * time.Second,
		Idle:    120 * time.Second,
		Metrics: registry,
	})
	logger.Info("listening", "addr", ln.Addr().String(), "service", "orders", "version", version, "database", db.Dialect.String())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newLogger returns a JSON logger at the given level. Lines logged with a
// request's context carry its request_id, trace_id and span_id.
func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
			return nil, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", level)
		}
	}
	return slog.New(svcgenhttp.NewJSONLogHandler(w, l)), nil
}
