// An HTTP handler a loan system can mount to ask arrears what to do about an overdue account:
//
//	POST /decide?policy=us-reg-f   body: the case JSON   ->  200 and the decision JSON
//	                                                      ->  422 and the error object for bad input
//	                                                      ->  413 and the error object (limit_exceeded)
//	                                                          for a body over 16 MiB
//	POST /decide-many?policy=...   body: a JSON array of cases -> 200 and an array, a decision or
//	                                                      an error object per case, in order
//
// One arrears.Engine per policy, built on first use and shared: an Engine serialises its calls,
// so under heavy parallel load give it a pool of engines instead.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"

	arrears "github.com/arrears-engine/arrears/bindings/go"
)

// maxCase is the body size the handler reads; the engine refuses larger cases itself.
const maxCase = 16 << 20

// Decisions serves /decide and /decide-many.
type Decisions struct {
	mu      sync.Mutex
	engines map[string]*arrears.Engine
}

// NewDecisions makes the handler; Close releases its engines.
func NewDecisions() *Decisions {
	return &Decisions{engines: map[string]*arrears.Engine{}}
}

func (d *Decisions) engine(ctx context.Context, policy string) (*arrears.Engine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.engines[policy]; ok {
		return e, nil
	}
	e, err := arrears.New(ctx, policy)
	if err != nil {
		return nil, err
	}
	d.engines[policy] = e
	return e, nil
}

// Close releases every engine.
func (d *Decisions) Close(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range d.engines {
		e.Close(ctx)
	}
}

func (d *Decisions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a case", http.StatusMethodNotAllowed)
		return
	}
	policy := r.URL.Query().Get("policy")
	if policy == "" {
		policy = "cn-microloan"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCase))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		// The error object, as for any input the engine refuses, so a client parses one shape.
		tooLargeReply(w, tooLarge.Limit)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	engine, err := d.engine(r.Context(), policy)
	if err != nil {
		reply(w, nil, err)
		return
	}
	if r.URL.Path == "/decide-many" {
		var cases []json.RawMessage
		if err := json.Unmarshal(body, &cases); err != nil {
			http.Error(w, "the body must be a JSON array of cases", http.StatusBadRequest)
			return
		}
		inputs := make([][]byte, len(cases))
		for i, c := range cases {
			inputs[i] = c
		}
		results, err := engine.DecideMany(r.Context(), inputs)
		if err != nil {
			reply(w, nil, err)
			return
		}
		out := []byte{'['}
		for i, res := range results {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, res.JSON()...)
		}
		reply(w, append(out, ']'), nil)
		return
	}
	decision, err := engine.Decide(r.Context(), body)
	reply(w, decision, err)
}

// tooLargeReply answers a body over the limit with 413 and the error object, code
// limit_exceeded at the document, as the engine answers a case over its own size limit.
func tooLargeReply(w http.ResponseWriter, limit int64) {
	body, _ := json.Marshal(map[string]map[string]string{"error": {
		"code":    "limit_exceeded",
		"path":    "",
		"message": "the request body is larger than " + strconv.FormatInt(limit, 10) + " bytes",
	}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = w.Write(append(body, '\n'))
}

func reply(w http.ResponseWriter, body []byte, err error) {
	w.Header().Set("Content-Type", "application/json")
	var bad *arrears.Error
	switch {
	case errors.As(err, &bad):
		// The error object every arrears surface writes: code, path, message.
		w.WriteHeader(http.StatusUnprocessableEntity)
		body = bad.JSON()
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(append(body, '\n'))
}
