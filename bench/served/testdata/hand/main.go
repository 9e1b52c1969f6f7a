// Command hand serves the benchmark's Pets API (bench/served/pets.yaml)
// written by hand: net/http, encoding/json and hand-written checks of every
// constraint the spec states. Same in-memory behaviour as the generated
// servers: pets 1 to 100 made up front; creates validated, numbered and
// echoed, not stored.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"os"
	"regexp"
	"strconv"
	"sync/atomic"
	"unicode/utf8"
)

type Owner struct {
	Email string  `json:"email"`
	Phone *string `json:"phone,omitempty"`
}

type NewPet struct {
	Name  *string  `json:"name"`
	Kind  *string  `json:"kind"`
	Age   *int32   `json:"age"`
	Owner *Owner   `json:"owner"`
	Tags  []string `json:"tags,omitempty"`
}

type Pet struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	Age   int32    `json:"age"`
	Owner Owner    `json:"owner"`
	Tags  []string `json:"tags,omitempty"`
}

type NewPets struct {
	Pets []NewPet `json:"pets"`
}

type BatchResult struct {
	Count   int32 `json:"count"`
	FirstID int64 `json:"firstId"`
}

var phonePattern = regexp.MustCompile(`^\+?[0-9]{7,15}$`)

func checkPet(p *NewPet, at string) error {
	switch {
	case p.Name == nil || p.Kind == nil || p.Age == nil || p.Owner == nil:
		return fmt.Errorf("%s: name, kind, age and owner are required", at)
	case utf8.RuneCountInString(*p.Name) < 1 || utf8.RuneCountInString(*p.Name) > 64:
		return fmt.Errorf("%s.name: 1 to 64 characters", at)
	case *p.Kind != "dog" && *p.Kind != "cat" && *p.Kind != "bird":
		return fmt.Errorf("%s.kind: dog, cat or bird", at)
	case *p.Age < 0 || *p.Age > 100:
		return fmt.Errorf("%s.age: 0 to 100", at)
	case len(p.Tags) > 10:
		return fmt.Errorf("%s.tags: at most 10", at)
	case utf8.RuneCountInString(p.Owner.Email) > 254:
		return fmt.Errorf("%s.owner.email: at most 254 characters", at)
	case p.Owner.Phone != nil && !phonePattern.MatchString(*p.Owner.Phone):
		return fmt.Errorf("%s.owner.phone: does not match the pattern", at)
	}
	if a, err := mail.ParseAddress(p.Owner.Email); err != nil || a.Address != p.Owner.Email {
		return fmt.Errorf("%s.owner.email: not an email address", at)
	}
	for _, t := range p.Tags {
		if n := utf8.RuneCountInString(t); n < 1 || n > 32 {
			return fmt.Errorf("%s.tags: 1 to 32 characters each", at)
		}
	}
	return nil
}

type server struct {
	pets   []Pet
	nextID atomic.Int64
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"message": err.Error()})
}

func decode(r *http.Request, v any) error {
	d := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

func (s *server) createPet(w http.ResponseWriter, r *http.Request) {
	var p NewPet
	if err := decode(r, &p); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	if err := checkPet(&p, "body"); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusCreated, Pet{ID: s.nextID.Add(1), Name: *p.Name, Kind: *p.Kind, Age: *p.Age, Owner: *p.Owner, Tags: p.Tags})
}

func (s *server) createPets(w http.ResponseWriter, r *http.Request) {
	var b NewPets
	if err := decode(r, &b); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	if len(b.Pets) < 1 || len(b.Pets) > 100 {
		fail(w, http.StatusBadRequest, errors.New("body.pets: 1 to 100 pets"))
		return
	}
	for i := range b.Pets {
		if err := checkPet(&b.Pets[i], "body.pets["+strconv.Itoa(i)+"]"); err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
	}
	n := int64(len(b.Pets))
	last := s.nextID.Add(n)
	writeJSON(w, http.StatusOK, BatchResult{Count: int32(n), FirstID: last - n + 1})
}

func (s *server) listPets(w http.ResponseWriter, r *http.Request) {
	n := len(s.pets)
	if q := r.URL.Query()["limit"]; q != nil {
		l, err := strconv.ParseInt(q[0], 10, 32)
		if len(q) != 1 || err != nil || l < 1 || l > 100 {
			fail(w, http.StatusBadRequest, errors.New("limit: an integer from 1 to 100"))
			return
		}
		n = min(n, int(l))
	}
	writeJSON(w, http.StatusOK, s.pets[:n])
}

func (s *server) getPet(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("petId"), 10, 64)
	if err != nil || id < 1 {
		fail(w, http.StatusBadRequest, errors.New("petId: an integer from 1"))
		return
	}
	if v := r.URL.Query()["view"]; v != nil && (len(v) != 1 || v[0] != "full" && v[0] != "summary") {
		fail(w, http.StatusBadRequest, errors.New("view: full or summary"))
		return
	}
	if id > int64(len(s.pets)) {
		fail(w, http.StatusNotFound, errors.New("no such pet"))
		return
	}
	writeJSON(w, http.StatusOK, s.pets[id-1])
}

func main() {
	s := &server{pets: make([]Pet, 100)}
	kinds := []string{"dog", "cat", "bird"}
	for i := range s.pets {
		id := int64(i + 1)
		phone := fmt.Sprintf("+1555%07d", id)
		s.pets[i] = Pet{
			ID: id, Name: fmt.Sprintf("pet-%d", id), Kind: kinds[i%3], Age: int32(i % 20),
			Owner: Owner{Email: fmt.Sprintf("owner%d@example.com", id), Phone: &phone},
			Tags:  []string{"friendly", "small"},
		}
	}
	s.nextID.Store(1000)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pets", s.createPet)
	mux.HandleFunc("GET /pets", s.listPets)
	mux.HandleFunc("GET /pets/{petId}", s.getPet)
	mux.HandleFunc("POST /batches", s.createPets)
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	os.Exit(1)
}
