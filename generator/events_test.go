package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The example system of spec/orders.yaml, which publishes its changes
// through the event log, and spec/shipping.yaml, which keeps a shipment per
// order from the order events, run against the NATS JetStream server at
// NATS_URL (default nats://127.0.0.1:4222). It is the second tier.

// eventsSystem is the two services built, with their processes.
type eventsSystem struct {
	t                    testing.TB
	natsURL              string
	orders, shipping     *proc
	proxy                *natsProxy
	ordersURL, shipURL   string
	ordersDB, shippingDB string
}

// TestEventsEndToEnd creates orders (SVCGEN_EVENTS_N, default 5,000; the
// issue's run uses 10,000) and changes a tenth of them twice, while the
// orders service (with its relay), the shipping service (with its
// consumer) and the broker connection are killed at random moments. Then
// every order must have exactly one shipment that reflects the order's last
// version, no event may be parked, the orders' event log must replay to the
// stored state, and a change with a stale If-Match must get 412 and change
// nothing. On PostgreSQL a second replica of the orders service runs
// beside the first, so that two relays compete for the relay lock. Last,
// with the broker away, the orders service must stay ready,
// keep its events in its outbox and deliver them once the broker is back.
// On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
func TestEventsEndToEnd(t *testing.T) {
	natsURL := eventsPrelude(t)
	n := 5000
	if s := os.Getenv("SVCGEN_EVENTS_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	bins := buildEventsExample(t)
	for _, dbKind := range databases(t) {
		t.Run(dbKind, func(t *testing.T) {
			sys := startEventsSystem(t, bins, dbKind, natsURL)
			if dbKind == "postgres" {
				// A second replica of the orders service on the same
				// database, taking no requests: its relay waits for the
				// relay lock and publishes when the first one is killed.
				standby := newProc(t, bins[0], sys.ordersDB, "NATS_URL=nats://"+sys.proxy.addr())
				standby.start()
			}
			stopChaos := sys.chaos()
			start := time.Now()
			orders := sys.load(n)
			chaos := stopChaos()
			t.Logf("%s: %d orders created and %d changes made in %s, with %s", dbKind, len(orders.created), orders.changes, time.Since(start).Round(time.Millisecond), chaos)
			sys.converge(orders, 4*time.Minute)
			sys.checkReplay()
			sys.checkHistory(orders)
			sys.checkStaleIfMatch(orders)
			sys.checkBrokerOutage(orders)
		})
	}
}

// eventsPrelude skips the test where it cannot run and returns NATS's URL.
func eventsPrelude(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("second tier: skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("second tier: no go command on PATH")
	}
	natsURL := os.Getenv("NATS_URL")
	if natsURL == "" {
		natsURL = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(natsURL, nats.Timeout(3*time.Second))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("NATS JetStream at %s: %v (.ci/run starts it)", natsURL, err)
		}
		t.Skipf("no NATS server at %s (set NATS_URL): %v", natsURL, err)
	}
	nc.Close()
	return natsURL
}

// databases lists the databases to run on.
func databases(t testing.TB) []string {
	out := []string{"sqlite"}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		out = append(out, "postgres")
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI must run the events on PostgreSQL too: .ci/run sets TEST_DATABASE_URL")
	} else {
		t.Log("TEST_DATABASE_URL is not set: PostgreSQL is not tested")
	}
	return out
}

// buildEventsExample generates and builds the two services.
func buildEventsExample(t testing.TB) [2]string {
	t.Helper()
	shippingDir, res := writeExample(t, t.TempDir(), "shipping", "../spec/shipping.yaml")
	if !res.Service.Events.Subscribes() {
		t.Fatal("shipping subscribes to nothing")
	}
	ordersDir := filepath.Join(shippingDir, "..", "orders")
	bin := t.TempDir()
	var out [2]string
	for i, svc := range []struct{ dir, name string }{{ordersDir, "orders"}, {shippingDir, "shipping"}} {
		out[i] = filepath.Join(bin, svc.name)
		cmd := exec.Command("go", "build", "-o", out[i], ".")
		cmd.Dir = svc.dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", svc.name, err, b)
		}
	}
	return out
}

// startEventsSystem resets the broker's state of the example, makes the
// two databases and starts both services, their NATS connections through
// a proxy the test can cut.
func startEventsSystem(t testing.TB, bins [2]string, dbKind, natsURL string) *eventsSystem {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	// A stream left by an earlier run would hand its old events over.
	for _, stream := range []string{"ORDERS_EVENTS", "SHIPPING_EVENTS"} {
		if err := js.DeleteStream(context.Background(), stream); err != nil && !strings.Contains(err.Error(), "not found") {
			t.Fatal(err)
		}
	}
	nc.Close()
	sys := &eventsSystem{t: t, natsURL: natsURL}
	sys.proxy = startNATSProxy(t, strings.TrimPrefix(natsURL, "nats://"))
	switch dbKind {
	case "sqlite":
		dir := t.TempDir()
		sys.ordersDB, sys.shippingDB = "sqlite:"+filepath.Join(dir, "orders.db"), "sqlite:"+filepath.Join(dir, "shipping.db")
	case "postgres":
		sys.ordersDB, sys.shippingDB = pgSchema(t, "events_orders"), pgSchema(t, "events_shipping")
	}
	env := []string{"NATS_URL=nats://" + sys.proxy.addr()}
	sys.orders = newProc(t, bins[0], sys.ordersDB, env...)
	sys.shipping = newProc(t, bins[1], sys.shippingDB, env...)
	sys.orders.start()
	sys.shipping.start()
	sys.ordersURL = "http://" + sys.orders.addr + "/v1"
	sys.shipURL = "http://" + sys.shipping.addr + "/v1"
	return sys
}

// pgSchema makes a fresh schema in TEST_DATABASE_URL's database, dropped
// when the test ends, and returns a URL that works in it.
func pgSchema(t testing.TB, prefix string) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	schema := fmt.Sprintf("%s_%d", prefix, rand.Uint32())
	psql := func(sql string) error {
		out, err := exec.Command("psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql).CombinedOutput()
		if err != nil {
			return fmt.Errorf("psql %s: %v\n%s", sql, err, out)
		}
		return nil
	}
	if err := psql(`CREATE SCHEMA "` + schema + `"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = psql(`DROP SCHEMA "` + schema + `" CASCADE`) })
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

// ordersMade is what the load did.
type ordersMade struct {
	created  map[int64]string // order id → its customer's id
	changed  map[int64]bool   // orders changed twice (paid, then cancelled)
	changes  int
	customer []string
}

// load creates n orders from eight clients, and changes every tenth twice.
// Requests that fail because a service is down are sent again: a create
// whose answer was lost may so make an order twice, which the checks
// allow for (they compare shipments with the orders stored, not with n).
func (s *eventsSystem) load(n int) *ordersMade {
	made := &ordersMade{created: map[int64]string{}, changed: map[int64]bool{}}
	for i := range 20 {
		body := fmt.Sprintf(`{"name": "Customer %d", "email": "c%d@example.com", "password": "correct horse battery"}`, i, i)
		var c struct{ ID string }
		s.retry(http.MethodPost, s.ordersURL+"/customers", body, "", http.StatusCreated, &c)
		made.customer = append(made.customer, c.ID)
	}
	var (
		mu   sync.Mutex
		next atomic.Int64
		wg   sync.WaitGroup
	)
	const order = `{"currency": "EUR", "items": [{"sku": "CUP-ESP-01", "quantity": 2, "unitPrice": 9.9}], "payment": {"type": "bank_transfer", "iban": "DE89370400440532013000", "reference": "R"}}`
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				c := made.customer[(int(i)+w)%len(made.customer)]
				var o struct{ ID int64 }
				s.retry(http.MethodPost, s.ordersURL+"/customers/"+c+"/orders", order, "", http.StatusCreated, &o)
				mu.Lock()
				made.created[o.ID] = c
				mu.Unlock()
				if i%10 == 0 {
					item := s.ordersURL + "/customers/" + c + "/orders/" + strconv.FormatInt(o.ID, 10)
					s.retry(http.MethodPatch, item, `{"status": "paid"}`, "", http.StatusOK, nil)
					s.retry(http.MethodPatch, item, `{"status": "cancelled"}`, "", http.StatusOK, nil)
					mu.Lock()
					made.changed[o.ID] = true
					made.changes += 2
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return made
}

// retry sends a request until it gets an answer other than a connection
// failure or a 5xx, which must have the status want; it decodes the body
// into out (unless nil) and returns the answer's ETag.
func (s *eventsSystem) retry(method, url, body, ifMatch string, want int, out any) string {
	s.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		status, b, etag, err := send(method, url, body, ifMatch)
		if err == nil && status < 500 {
			if status != want {
				s.t.Fatalf("%s %s: %d %s, want %d", method, url, status, b, want)
			}
			if out != nil {
				if err := json.Unmarshal(b, out); err != nil {
					s.t.Fatalf("%s %s: %v in %s", method, url, err, b)
				}
			}
			return etag
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s %s: still failing after 2 minutes: %d %v %s", method, url, status, err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var eventsClient = &http.Client{Timeout: 10 * time.Second}

func send(method, url, body, ifMatch string) (int, []byte, string, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, nil, "", err
	}
	switch method {
	case http.MethodPatch:
		req.Header.Set("Content-Type", "application/merge-patch+json")
	case http.MethodPost, http.MethodPut:
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := eventsClient.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header.Get("ETag"), err
}

// chaos kills the orders service (and its relay), the shipping service
// (and its consumer) or the broker connections, one at a time, every 0.3
// to 1.5 seconds, restarting what it killed. stop ends it and says what it
// did.
func (s *eventsSystem) chaos() (stop func() string) {
	done := make(chan struct{})
	var kills [3]int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Duration(300+rand.IntN(1200)) * time.Millisecond):
			}
			switch k := rand.IntN(3); k {
			case 0:
				s.orders.kill()
				s.orders.start()
				kills[k]++
			case 1:
				s.shipping.kill()
				s.shipping.start()
				kills[k]++
			case 2:
				s.proxy.cut()
				kills[k]++
			}
		}
	}()
	return func() string {
		close(done)
		wg.Wait()
		return fmt.Sprintf("the orders service killed %d times, the shipping service %d times, the broker connections cut %d times", kills[0], kills[1], kills[2])
	}
}

// shipment is what the checks read of a shipment.
type shipment struct {
	ID           string `json:"id"`
	OrderID      int64  `json:"orderId"`
	OrderVersion int64  `json:"orderVersion"`
	Status       string `json:"status"`
}

// converge waits until every stored order has its shipment at the order's
// version, then checks that none has two and no event was parked.
func (s *eventsSystem) converge(made *ordersMade, timeout time.Duration) {
	t := s.t
	// The orders stored: every customer's, with their versions.
	type stored struct {
		customer string
		version  int64
		status   string
	}
	orders := map[int64]stored{}
	for _, c := range made.customer {
		for offset := 0; ; offset += 100 {
			var page struct {
				Items []struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
				} `json:"items"`
			}
			s.retry(http.MethodGet, fmt.Sprintf("%s/customers/%s/orders?limit=100&offset=%d", s.ordersURL, c, offset), "", "", http.StatusOK, &page)
			for _, o := range page.Items {
				orders[o.ID] = stored{customer: c, status: o.Status}
			}
			if len(page.Items) < 100 {
				break
			}
		}
	}
	for id := range made.created {
		if _, ok := orders[id]; !ok {
			t.Fatalf("order %d was created (201) but is not stored", id)
		}
	}
	if extra := len(orders) - len(made.created); extra > 0 {
		t.Logf("%d orders were made twice by a create sent again after its answer was lost", extra)
	}
	for id, o := range orders {
		etag := s.retry(http.MethodGet, fmt.Sprintf("%s/customers/%s/orders/%d", s.ordersURL, o.customer, id), "", "", http.StatusOK, nil)
		v, err := strconv.ParseInt(strings.Trim(etag, `"`), 10, 64)
		if err != nil || v < 1 {
			t.Fatalf("order %d: ETag %q", id, etag)
		}
		o.version = v
		orders[id] = o
	}
	deadline := time.Now().Add(timeout)
	var problems []string
	for {
		var all []shipment
		for offset := 0; ; offset += 1000 {
			var page struct {
				Items []shipment `json:"items"`
			}
			s.retry(http.MethodGet, fmt.Sprintf("%s/shipments?limit=1000&offset=%d", s.shipURL, offset), "", "", http.StatusOK, &page)
			all = append(all, page.Items...)
			if len(page.Items) < 1000 {
				break
			}
		}
		// Pages by offset may show a shipment twice while the consumer
		// still adds shipments; two shipments of one order have two ids.
		per := map[int64][]shipment{}
		seen := map[string]bool{}
		for _, sh := range all {
			if !seen[sh.ID] {
				seen[sh.ID] = true
				per[sh.OrderID] = append(per[sh.OrderID], sh)
			}
		}
		problems = problems[:0]
		for id, o := range orders {
			got := per[id]
			switch {
			case len(got) == 0:
				problems = append(problems, fmt.Sprintf("order %d has no shipment", id))
			case len(got) > 1:
				t.Fatalf("order %d has %d shipments: an event was applied twice: %+v", id, len(got), got)
			case got[0].OrderVersion != o.version:
				problems = append(problems, fmt.Sprintf("order %d is at version %d, its shipment at %d", id, o.version, got[0].OrderVersion))
			case (o.status == "cancelled") != (got[0].Status == "cancelled"):
				problems = append(problems, fmt.Sprintf("order %d is %s, its shipment %s", id, o.status, got[0].Status))
			}
		}
		for id := range per {
			if _, ok := orders[id]; !ok {
				t.Fatalf("shipment for order %d, which is not stored", id)
			}
		}
		if len(problems) == 0 {
			t.Logf("%d orders, each with exactly one shipment at the order's version", len(orders))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d problems; the first: %s", timeout, len(problems), strings.Join(problems[:min(5, len(problems))], "; "))
		}
		time.Sleep(500 * time.Millisecond)
	}
	out := s.shipping.command("events", "parked")
	if strings.TrimSpace(out) != "" {
		t.Fatalf("events were parked:\n%s", out)
	}
	s.checkDispatched(made)
}

// checkDispatched reads the shipping service's stream: one
// shipment.dispatched per order that was paid, published by the shipping
// service from its consumer's transaction, so none lost and none doubled
// (copies the relay sent again have the same event id).
func (s *eventsSystem) checkDispatched(made *ordersMade) {
	t := s.t
	nc, err := nats.Connect(s.natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for {
		cons, err := js.OrderedConsumer(ctx, "SHIPPING_EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"shipping.shipment.dispatched"}})
		if err != nil && time.Now().After(deadline) {
			t.Fatalf("the shipping service's stream: %v", err)
		}
		ids := map[string]bool{}
		if err == nil {
			for {
				batch, err := cons.Fetch(500, jetstream.FetchMaxWait(time.Second))
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for m := range batch.Messages() {
					n++
					var e struct {
						ID      string `json:"id"`
						Type    string `json:"type"`
						Subject string `json:"subject"`
						Version int64  `json:"version"`
						Data    struct {
							OrderID int64  `json:"orderId"`
							Status  string `json:"status"`
						} `json:"data"`
					}
					if err := json.Unmarshal(m.Data(), &e); err != nil || e.Type != "shipment.dispatched" || e.Data.Status != "dispatched" || !made.changed[e.Data.OrderID] {
						t.Fatalf("not a dispatch of a paid order: %v %s", err, m.Data())
					}
					// A shipment is dispatched once: the first of its
					// shipment.dispatched events, version 1.
					if e.Version != 1 || e.Subject == "" {
						t.Fatalf("a shipment's dispatch with version %d, subject %q: %s", e.Version, e.Subject, m.Data())
					}
					ids[e.ID] = true
				}
				if n == 0 {
					break
				}
			}
		}
		if len(ids) == len(made.changed) {
			t.Logf("%d shipment.dispatched events for %d paid orders", len(ids), len(made.changed))
			return
		}
		if len(ids) > len(made.changed) {
			t.Fatalf("%d shipment.dispatched events for %d paid orders: some were published twice", len(ids), len(made.changed))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d shipment.dispatched events for %d paid orders after a minute", len(ids), len(made.changed))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkReplay replays the orders' event log against their store (the
// command fails on any difference) and checks the read model it writes:
// a line per resource, each the resource its id names.
func (s *eventsSystem) checkReplay() {
	model := filepath.Join(s.t.TempDir(), "model.jsonl")
	out := s.orders.command("events", "replay", model)
	s.t.Logf("events replay: %s", strings.TrimSpace(out))
	data, err := os.ReadFile(model)
	if err != nil {
		s.t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	orders := 0
	for _, line := range lines {
		var r struct {
			Type string
			ID   string
			Data struct{ ID json.RawMessage }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.ID == "" || strings.Trim(string(r.Data.ID), `"`) != r.ID {
			s.t.Fatalf("read model line %q: %v", line, err)
		}
		if r.Type == "order" {
			orders++
		}
	}
	if orders == 0 {
		s.t.Fatalf("the read model holds no order:\n%s", data)
	}
	s.t.Logf("read model: %d resources, %d orders", len(lines), orders)
}

// checkHistory reads the history of a changed order (GET .../history,
// which spec/orders.yaml declares): created, then its two changes, with
// the versions 1, 2, 3 and the order as each change left it.
func (s *eventsSystem) checkHistory(made *ordersMade) {
	t := s.t
	for id := range made.changed {
		var changes []struct {
			Type    string `json:"type"`
			Version int64  `json:"version"`
			Data    struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"data"`
		}
		s.retry(http.MethodGet, fmt.Sprintf("%s/customers/%s/orders/%d/history", s.ordersURL, made.created[id], id), "", "", http.StatusOK, &changes)
		// A PATCH sent again after a lost answer adds a change of the same
		// status: the statuses are compared with repeats dropped.
		var statuses []string
		ok := len(changes) >= 3 && changes[0].Type == "order.created"
		for i, c := range changes {
			ok = ok && c.Version == int64(i+1) && c.Data.ID == id && (i == 0 || c.Type == "order.updated")
			if len(statuses) == 0 || statuses[len(statuses)-1] != c.Data.Status {
				statuses = append(statuses, c.Data.Status)
			}
		}
		if !ok || strings.Join(statuses, " ") != "pending paid cancelled" {
			t.Fatalf("order %d's history: %+v", id, changes)
		}
		return
	}
}

// checkStaleIfMatch sends two changes made from one version at once: one
// must get 200, the other 412, and the order must hold the first's change
// only.
func (s *eventsSystem) checkStaleIfMatch(made *ordersMade) {
	t := s.t
	var id int64
	for id = range made.created {
		if !made.changed[id] {
			break
		}
	}
	item := fmt.Sprintf("%s/customers/%s/orders/%d", s.ordersURL, made.created[id], id)
	for round := range 10 {
		etag := s.retry(http.MethodGet, item, "", "", http.StatusOK, nil)
		statuses := make([]int, 2)
		bodies := []string{`{"shippingClass": "next-day"}`, `{"shippingClass": "1st-class"}`}
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, b, _, err := send(http.MethodPatch, item, bodies[i], etag)
				if err != nil {
					t.Errorf("PATCH: %v", err)
				}
				if status != http.StatusOK && status != http.StatusPreconditionFailed {
					t.Errorf("PATCH with If-Match: %d %s", status, b)
				}
				statuses[i] = status
			}()
		}
		wg.Wait()
		won := -1
		for i, st := range statuses {
			if st == http.StatusOK {
				if won >= 0 {
					t.Fatalf("round %d: both changes made from version %s succeeded", round, etag)
				}
				won = i
			}
		}
		if won < 0 {
			t.Fatalf("round %d: neither change succeeded: %v", round, statuses)
		}
		var o struct {
			ShippingClass string `json:"shippingClass"`
		}
		after := s.retry(http.MethodGet, item, "", "", http.StatusOK, &o)
		if want := strings.Trim(bodies[won], `{}" `); !strings.Contains(want, o.ShippingClass) {
			t.Fatalf("round %d: the order holds %q; the change that won set %s", round, o.ShippingClass, bodies[won])
		}
		old, _ := strconv.Atoi(strings.Trim(etag, `"`))
		if now, _ := strconv.Atoi(strings.Trim(after, `"`)); now != old+1 {
			t.Fatalf("round %d: version %d after one change to version %d", round, now, old)
		}
	}
}

// checkBrokerOutage takes the broker away: the orders service stays
// ready and keeps taking orders, whose events wait in its outbox (as
// /metrics says), and reach the shipping service once the broker is back.
func (s *eventsSystem) checkBrokerOutage(made *ordersMade) {
	t := s.t
	s.proxy.setDown(true)
	c := made.customer[0]
	const order = `{"currency": "EUR", "items": [{"sku": "CUP-ESP-01", "quantity": 1, "unitPrice": 9.9}], "payment": {"type": "bank_transfer", "iban": "DE89370400440532013000", "reference": "R"}}`
	var o struct {
		ID int64 `json:"id"`
	}
	s.retry(http.MethodPost, s.ordersURL+"/customers/"+c+"/orders", order, "", http.StatusCreated, &o)
	if status, b, _, err := send(http.MethodGet, "http://"+s.orders.addr+"/readyz", "", ""); err != nil || status != http.StatusOK {
		t.Fatalf("/readyz with the broker down: %d %s %v, want 200", status, b, err)
	}
	pending := func() string {
		_, b, _, _ := send(http.MethodGet, "http://"+s.orders.addr+"/metrics", "", "")
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "svcgen_outbox_pending_events "); ok {
				return v
			}
		}
		return "(no metric)"
	}
	deadline := time.Now().Add(10 * time.Second)
	for pending() == "0" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond) // an event published before the cut
	}
	if p := pending(); p == "0" || p == "(no metric)" {
		t.Fatalf("with the broker down, svcgen_outbox_pending_events is %s", p)
	}
	s.proxy.setDown(false)
	for deadline = time.Now().Add(time.Minute); ; {
		var page struct {
			Items []shipment `json:"items"`
		}
		s.retry(http.MethodGet, fmt.Sprintf("%s/shipments?orderId=%d", s.shipURL, o.ID), "", "", http.StatusOK, &page)
		if len(page.Items) == 1 && pending() == "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a minute after the broker came back: %d shipments of order %d, %s events pending", len(page.Items), o.ID, pending())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// proc is a service process the test kills and restarts.
type proc struct {
	t       testing.TB
	bin, db string
	addr    string
	env     []string
	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	logs    *bytes.Buffer
}

func newProc(t testing.TB, bin, db string, env ...string) *proc {
	p := &proc{t: t, bin: bin, db: db, addr: freeAddr(t), env: env}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s logged (last run):\n%s", filepath.Base(bin), tail(p.logs, 4000))
		}
	})
	return p
}

func tail(b *bytes.Buffer, n int) string {
	if b == nil {
		return ""
	}
	s := b.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// start starts the service and waits until it is ready.
func (p *proc) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	host, port, _ := net.SplitHostPort(p.addr)
	cmd := exec.Command(p.bin)
	cmd.Env = append(os.Environ(), append([]string{"HOST=" + host, "PORT=" + port, "DATABASE_URL=" + p.db, "LOG_LEVEL=warn"}, p.env...)...)
	p.logs = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.cmd, p.done = cmd, done
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			p.t.Fatalf("%s exited at start:\n%s", filepath.Base(p.bin), p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.t.Fatalf("%s not ready within 60s:\n%s", filepath.Base(p.bin), p.logs.String())
}

// kill kills the process at once (SIGKILL), as a crash would.
func (p *proc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	p.cmd = nil
}

// command runs the service's binary with args on its database and returns
// its output; it fails the test if the command fails.
func (p *proc) command(args ...string) string {
	cmd := exec.Command(p.bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+p.db, "LOG_LEVEL=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("%s %s: %v\n%s", filepath.Base(p.bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// natsProxy forwards TCP connections to the NATS server, and cuts them all
// on demand: the services see their broker connection drop.
type natsProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]bool
	down   bool // connections are cut and new ones refused
}

// setDown cuts every connection and refuses new ones, or lets them in
// again.
func (p *natsProxy) setDown(down bool) {
	if down {
		p.cut()
	}
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
}

func startNATSProxy(t testing.TB, target string) *natsProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &natsProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close(); c.Close() }()
			go func() { _, _ = io.Copy(c, up); up.Close(); c.Close() }()
		}
	}()
	return p
}

func (p *natsProxy) addr() string { return p.ln.Addr().String() }

// cut closes every connection through the proxy.
func (p *natsProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// BenchmarkEvents measures the example system's events on each database.
// The end-to-end latency is the time from an order's commit to its
// shipment's (both stamped by the services): paced (500 orders at 100 a
// second: the pipeline's own latency) and saturated (b.N orders from eight
// clients as fast as they go: the latency of the queue that forms). Then
// b.N orders are created while the orders service has no NATS_URL, and
// the time its relay and the shipping consumer take to drain that backlog
// once it has one gives the throughput (events per second, outbox to
// consumer). Run with -benchtime=5000x (bench/events/run.sh).
func BenchmarkEvents(b *testing.B) {
	natsURL := eventsPrelude(b)
	bins := buildEventsExample(b)
	for _, dbKind := range []string{"sqlite", "postgres"} {
		if dbKind == "postgres" && os.Getenv("TEST_DATABASE_URL") == "" {
			b.Log("TEST_DATABASE_URL is not set: PostgreSQL is not measured")
			continue
		}
		b.Run(dbKind, func(b *testing.B) {
			benchEvents(b, bins, dbKind, natsURL)
		})
	}
}

// benchEvents is one database's run of BenchmarkEvents.
func benchEvents(b *testing.B, bins [2]string, dbKind, natsURL string) {
	sys := startEventsSystem(b, bins, dbKind, natsURL)
	var customer struct{ ID string }
	sys.retry(http.MethodPost, sys.ordersURL+"/customers", `{"name": "Bench", "email": "bench@example.com", "password": "correct horse battery"}`, "", http.StatusCreated, &customer)
	orders := sys.ordersURL + "/customers/" + customer.ID + "/orders"
	const order = `{"currency": "EUR", "items": [{"sku": "CUP-ESP-01", "quantity": 1, "unitPrice": 9.9}], "payment": {"type": "bank_transfer", "iban": "DE89370400440532013000", "reference": "R"}}`
	type made struct {
		ID        int64     `json:"id"`
		CreatedAt time.Time `json:"createdAt"`
	}
	create := func(n int) map[int64]time.Time {
		var (
			mu   sync.Mutex
			out  = map[int64]time.Time{}
			next atomic.Int64
			wg   sync.WaitGroup
		)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1); i <= int64(n); i = next.Add(1) {
					var o made
					sys.retry(http.MethodPost, orders, order, "", http.StatusCreated, &o)
					mu.Lock()
					out[o.ID] = o.CreatedAt
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return out
	}
	// shipped waits until every order in want has its shipment and returns
	// the shipments' creation times by order.
	shipped := func(want map[int64]time.Time) map[int64]time.Time {
		deadline := time.Now().Add(10 * time.Minute)
		for {
			// Cheap polling first: the count, until it can be complete.
			var count struct{ Total int }
			sys.retry(http.MethodGet, sys.shipURL+"/shipments?limit=1", "", "", http.StatusOK, &count)
			if count.Total < len(want) {
				if time.Now().After(deadline) {
					b.Fatalf("%d shipments after 10 minutes, want at least %d", count.Total, len(want))
				}
				time.Sleep(10 * time.Millisecond)
				continue
			}
			got := map[int64]time.Time{}
			for offset := 0; ; offset += 1000 {
				var page struct {
					Items []struct {
						OrderID   int64     `json:"orderId"`
						CreatedAt time.Time `json:"createdAt"`
					} `json:"items"`
				}
				sys.retry(http.MethodGet, fmt.Sprintf("%s/shipments?limit=1000&offset=%d", sys.shipURL, offset), "", "", http.StatusOK, &page)
				for _, s := range page.Items {
					got[s.OrderID] = s.CreatedAt
				}
				if len(page.Items) < 1000 {
					break
				}
			}
			missing := 0
			for id := range want {
				if _, ok := got[id]; !ok {
					missing++
				}
			}
			if missing == 0 {
				return got
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d orders have no shipment after 10 minutes", missing, len(want))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// latencies returns the percentiles of the time from each order's
	// commit to its shipment's, in milliseconds.
	latencies := func(made, ships map[int64]time.Time) func(p float64) float64 {
		lat := make([]time.Duration, 0, len(made))
		for id, at := range made {
			lat = append(lat, ships[id].Sub(at))
		}
		slices.Sort(lat)
		return func(p float64) float64 {
			return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
		}
	}

	b.ResetTimer()
	// Paced: 100 orders a second from one client, the latency of the
	// pipeline itself (relay wake-up, broker, consumer) rather than of a
	// queue.
	paced := map[int64]time.Time{}
	tick := time.NewTicker(10 * time.Millisecond)
	for range min(b.N, 500) {
		<-tick.C
		var o made
		sys.retry(http.MethodPost, orders, order, "", http.StatusCreated, &o)
		paced[o.ID] = o.CreatedAt
	}
	tick.Stop()
	pacedPct := latencies(paced, shipped(paced))

	// Saturated: eight clients as fast as the orders service takes them.
	start := time.Now()
	live := create(b.N)
	ships := shipped(live)
	liveTook := time.Since(start)
	pct := latencies(live, ships)

	// A backlog: orders made while the orders service has no broker, then
	// drained once it has one again.
	sys.orders.kill()
	sys.orders.env = nil
	sys.orders.start()
	backlog := create(b.N)
	sys.orders.kill()
	sys.orders.env = []string{"NATS_URL=nats://" + sys.proxy.addr()}
	drainStart := time.Now()
	sys.orders.start()
	shipped(backlog)
	drain := time.Since(drainStart)
	b.StopTimer()

	b.ReportMetric(pacedPct(0.50), "paced-p50-ms")
	b.ReportMetric(pacedPct(0.99), "paced-p99-ms")
	b.ReportMetric(float64(b.N)/liveTook.Seconds(), "live-orders/s")
	b.ReportMetric(pct(0.50), "live-p50-ms")
	b.ReportMetric(pct(0.99), "live-p99-ms")
	b.ReportMetric(float64(b.N)/drain.Seconds(), "drain-events/s")
}
