// Package arrears decides collections cases with the arrears engine: the same core as every
// other arrears surface, compiled to a plain WebAssembly module (embedded in this package) and
// run by wazero, in pure Go without cgo. Case JSON in, the canonical decision JSON out: the
// bytes are exactly those of the native engine.
//
//	engine, err := arrears.New(ctx, "cn-microloan") // a pack id or a policy document's JSON text
//	defer engine.Close(ctx)
//	decision, err := engine.Decide(ctx, caseJSON)   // err is an *arrears.Error for bad input
//	plan, err := engine.Plan(ctx, caseJSON, 7)      // every allowed window over the next 7 days
//	caseJSON, err = engine.ImportFineract(ctx, loanJSON, "2024-03-01", "Asia/Jakarta") // a Fineract loan's case
//
// An Engine is safe for concurrent use: its calls are serialised on a mutex, because one module
// instance runs one call at a time. DecideMany spreads a batch over further engines of its own
// (SetBatchWorkers); for single calls in parallel, give each goroutine its own Engine (they share
// the compiled module, so a further Engine costs an instantiation, not a compilation).
//
// # The native library
//
// Built with the arrears_native tag (go build -tags arrears_native), a program on linux-x86_64
// carries the engine's native library (2.2 MB, embedded) and decides on it instead of wazero,
// two to three times faster, still without cgo: the library is loaded with purego from an
// in-memory file, so nothing is written to disk. The bytes out are the same. The environment
// chooses at run time:
//
//   - ARREARS_RUNTIME=wasm keeps wazero; ARREARS_RUNTIME=native requires the native library, and New
//     fails saying why when it cannot be loaded (unset: native when it loads, else wazero);
//   - ARREARS_NATIVE_LIBRARY=/path/to/libarrears_module.so loads that file instead of the embedded
//     one (another platform's build of scripts/build-native-lib.sh).
//
// Engine.Runtime says which one an engine runs on. The native library keeps every engine in one
// process-wide state behind its own lock, and engines decide in parallel on it; an Engine's calls
// are still serialised on its mutex. It has no traps: where wazero turns a defect of the module
// into an "internal" error and starts the engine again, a defect of the native library ends the
// process (the core never panics on input: the fuzz targets and the corpus hold it to that).
package arrears

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Error is the engine's error object: a stable code (invalid_json, invalid_field,
// unknown_field, out_of_range, inconsistent, unknown_policy, policy_invalid, limit_exceeded,
// unknown_engine, internal), the JSON path of the field at fault (empty for the document as a
// whole) and a message. "internal" is a call the module did not finish (it trapped); the engine
// starts a fresh instance of the module, so the next call works.
type Error struct {
	Code    string `json:"code"`
	Path    string `json:"path"`
	Message string `json:"message"`
	raw     []byte
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Code + ": " + e.Message
	}
	return e.Code + " at " + e.Path + ": " + e.Message
}

// JSON is the error object exactly as every arrears surface writes it:
// {"error":{"code":...,"path":...,"message":...}}.
func (e *Error) JSON() []byte { return e.raw }

func parseError(raw []byte) *Error {
	var envelope struct{ Error *Error }
	if err := json.Unmarshal(raw, &envelope); err != nil || envelope.Error == nil {
		return &Error{Code: "invalid_json", Message: "unreadable error object: " + string(raw), raw: raw}
	}
	envelope.Error.raw = raw
	return envelope.Error
}

// Result is one case's answer from DecideMany: the decision's JSON text, or its error.
type Result struct {
	Decision []byte
	Err      *Error
}

// JSON is the result's text as every surface writes it: the decision, or the error object.
func (r Result) JSON() []byte {
	if r.Err != nil {
		return r.Err.JSON()
	}
	return r.Decision
}

// An export of the module (and of the native library, which has the same ones): docs/abi.md.
type export int

const (
	exportAlloc export = iota
	exportFree
	exportEngineNew
	exportResultEngine
	exportDecide
	exportDecideBatch
	exportPlan
	exportImportFineract
	exportResultPtr
	exportResultLen
	exportResultOk
	exportResultFree
	exportEngineDrop
	exportCount
)

var exportNames = [exportCount]string{
	"arrears_alloc", "arrears_free", "arrears_engine_new", "arrears_result_engine", "arrears_decide",
	"arrears_decide_batch", "arrears_plan", "arrears_import_fineract", "arrears_result_ptr",
	"arrears_result_len", "arrears_result_ok", "arrears_result_free", "arrears_engine_drop",
}

// instance is one place the exports run: a wazero instance of the module (wasm.go) or the native
// library (native_linux.go). Addresses are the module's memory offsets or the process's own
// addresses; either way the protocol of docs/abi.md is the same.
type instance interface {
	// call runs an export; an error is a call that did not finish (a trap).
	call(ctx context.Context, fn export, args ...uint64) (uint64, error)
	// write copies b to an address the instance allocated; false if it does not fit there.
	write(at uint64, b []byte) bool
	// read copies n bytes from an address the instance handed out; false if they lie outside it.
	read(at, n uint64) ([]byte, bool)
	close(ctx context.Context) error
}

// Engine decides cases under one policy. Create it with New; Close it when done.
type Engine struct {
	mu      sync.Mutex
	runtime string                                      // "wasm" or "native"
	open    func(ctx context.Context) (instance, error) // a fresh instance, to start or restart on
	source  string                                      // the policy as given to New, to start again after a trap
	inst    instance
	handle  uint64
	policy  []byte
	workers atomic.Int32 // SetBatchWorkers; 0 is GOMAXPROCS

	crewMu     sync.Mutex // guards crew and crewClosed
	crew       []*Engine  // further engines of the policy that DecideMany decides on beside this one
	crewClosed bool
}

// New builds an engine from a built-in pack id ("cn-microloan", "us-reg-f") or a policy
// document's JSON text. A policy that does not load is an *Error.
//
// It runs on wazero, unless the program was built with the arrears_native build tag, which
// carries the native library in (linux-x86_64) and runs on it: see Runtime and the package
// documentation. ARREARS_RUNTIME=wasm or native forces one; native that cannot be had is an
// error saying why, never a quiet fallback.
func New(ctx context.Context, policy string) (*Engine, error) {
	runtime, open, err := chooseRuntime(ctx)
	if err != nil {
		return nil, err
	}
	return newOn(ctx, runtime, open, policy)
}

// newOn builds an engine on the instances open gives (the tests give one that can be made to trap).
func newOn(ctx context.Context, runtime string, open func(context.Context) (instance, error), policy string) (*Engine, error) {
	e := &Engine{runtime: runtime, open: open, source: policy}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Runtime says what the engine runs on: "wasm" (the embedded module on wazero) or "native" (the
// native library, in a program built with the arrears_native tag). Worth logging at start-up.
func (e *Engine) Runtime() string { return e.runtime }

// start opens an instance and builds the engine's policy in it.
func (e *Engine) start(ctx context.Context) error {
	inst, err := e.open(ctx)
	if err != nil {
		return err
	}
	e.inst = inst
	result, text, err := e.call(ctx, exportEngineNew, 0, []byte(e.source))
	if err == nil && result.ok {
		e.handle, err = inst.call(ctx, exportResultEngine, result.handle)
	}
	e.finish(ctx, result)
	if err == nil && !result.ok {
		err = parseError(text)
	}
	if err != nil {
		_ = inst.close(ctx)
		e.inst = nil
		return err
	}
	e.policy = text
	return nil
}

// trapped answers a call the module did not finish (a trap: a bug, or memory exhausted). The
// instance's state is unknown after a trap, so it is thrown away and a fresh one built with the
// same policy: the next call works. The caller gets an *Error with the code "internal". (The
// native library has no traps: a defect there ends the process, docs/abi.md.)
func (e *Engine) trapped(ctx context.Context, cause error) *Error {
	if e.inst != nil {
		_ = e.inst.close(ctx)
		e.inst = nil
	}
	message := "the engine stopped in the middle of the call (" + cause.Error() + "); it was started again, and the next call works"
	if err := e.start(ctx); err != nil {
		message = "the engine stopped in the middle of the call (" + cause.Error() + ") and could not be started again: " + err.Error()
	}
	raw, _ := json.Marshal(map[string]map[string]string{"error": {"code": "internal", "path": "", "message": message}})
	return &Error{Code: "internal", Message: message, raw: raw}
}

type answer struct {
	handle uint64
	ok     bool
}

// put copies input into memory the instance allocated for it; the caller frees it.
func (e *Engine) put(ctx context.Context, input []byte) (uint64, error) {
	n := uint64(len(input))
	p, err := e.inst.call(ctx, exportAlloc, n)
	if err != nil {
		return 0, fmt.Errorf("arrears: %w", err)
	}
	if p == 0 || !e.inst.write(p, input) {
		return 0, fmt.Errorf("arrears: the module could not allocate %d bytes", n)
	}
	return p, nil
}

// call writes input into the instance's memory, calls fn (with the engine handle first unless fn
// is engine construction, and the further arguments last) and returns the result handle and a
// copy of its text.
func (e *Engine) call(ctx context.Context, fn export, engine uint64, input []byte, more ...uint64) (answer, []byte, error) {
	n := uint64(len(input))
	p, err := e.put(ctx, input)
	if err != nil {
		return answer{}, nil, err
	}
	var r uint64
	if fn == exportEngineNew {
		r, err = e.inst.call(ctx, fn, p, n)
	} else {
		r, err = e.inst.call(ctx, fn, append([]uint64{engine, p, n}, more...)...)
	}
	if _, ferr := e.inst.call(ctx, exportFree, p, n); err == nil {
		err = ferr
	}
	if err != nil {
		return answer{}, nil, fmt.Errorf("arrears: %w", err)
	}
	return e.read(ctx, r)
}

// read copies a result's text out of the instance's memory; the caller releases the result.
func (e *Engine) read(ctx context.Context, handle uint64) (answer, []byte, error) {
	a := answer{handle: handle}
	ptr, err1 := e.inst.call(ctx, exportResultPtr, a.handle)
	length, err2 := e.inst.call(ctx, exportResultLen, a.handle)
	ok, err3 := e.inst.call(ctx, exportResultOk, a.handle)
	if err1 != nil || err2 != nil || err3 != nil {
		return a, nil, fmt.Errorf("arrears: reading a result failed")
	}
	a.ok = ok == 1
	text, inside := e.inst.read(ptr, length)
	if !inside {
		return a, nil, fmt.Errorf("arrears: a result lies outside the module's memory")
	}
	return a, text, nil
}

func (e *Engine) finish(ctx context.Context, a answer) {
	if a.handle != 0 {
		_, _ = e.inst.call(ctx, exportResultFree, a.handle)
	}
}

// Policy is the id, version and digest of the engine's newest policy version, as JSON text.
func (e *Engine) Policy() []byte { return e.policy }

// Decide decides one case given as JSON text and returns the decision's canonical JSON text.
// Bad input is an *Error, the same error object every arrears surface gives.
func (e *Engine) Decide(ctx context.Context, caseJSON []byte) ([]byte, error) {
	return e.one(ctx, exportDecide, caseJSON)
}

// Plan lays out, for a case given as JSON text, the windows in which each action of its decision
// is allowed if nothing else happens, from the case's as_of over the given number of local days
// (1 to 31), with the rules that open and close each window and the room each cap leaves in it;
// it returns the plan's canonical JSON text. Bad input (a number of days out of range among it)
// is an *Error, the same error object every arrears surface gives.
func (e *Engine) Plan(ctx context.Context, caseJSON []byte, days uint32) ([]byte, error) {
	return e.one(ctx, exportPlan, caseJSON, uint64(days))
}

// one calls an export on one case under the engine: its text, or its error object as an *Error.
func (e *Engine) one(ctx context.Context, fn export, caseJSON []byte, more ...uint64) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inst == nil {
		return nil, errClosed
	}
	a, text, err := e.call(ctx, fn, e.handle, caseJSON, more...)
	if err != nil {
		return nil, e.trapped(ctx, err)
	}
	e.finish(ctx, a)
	if !a.ok {
		return nil, parseError(text)
	}
	return text, nil
}

// The most bytes the module's arrears_decide_batch takes in one call (docs/abi.md; it refuses a
// larger batch as a whole, and more than 4,096 cases too, which a chunk never holds).
const batchMaxBytes = 64 << 20

// DecideMany sends the cases at most this many, and this many bytes of case text, per call into
// the module. A call into wazero's compiled code cannot be preempted: while it runs, a garbage
// collection that wants to stop the world waits for it, and every other goroutine of the program
// with it. Chunks of 64 KiB of case text keep that wait near what one Decide of a large case
// causes (a 1 ms ticker beside DecideMany of 200-event cases stalled for 74-87 ms with 16 MiB
// chunks, 10-16 ms with these, 6-8 ms beside a loop of Decide; BENCHMARKS.md), while the cases a
// batch saves most calls for, small ones, still go about twenty to a call. The module's memory,
// which never shrinks, need only hold one chunk and its answers.
const (
	chunkCases = 256
	chunkBytes = 64 << 10
)

// DecideMany decides many cases, a few at a time per call into the module, on as many engines at
// once as SetBatchWorkers allows (the number of CPUs Go may use, unless set): one Result per case,
// in order, exactly what Decide gives for it (a bad case is an error in its slot, never a failed
// batch). The error return is only for a closed engine or a failing runtime.
//
// A call into the module costs little beside a decision, so a batch on one engine decides at the
// rate of a loop of Decide (BENCHMARKS.md, "Batch calls"). What makes DecideMany faster is that it
// spreads its chunks over further engines of the same policy, which it creates on first need
// (an instantiation each on wazero, a handle on the native library) and keeps until Close: a
// batch is as fast as the cores it may use, each case still decided by itself.
func (e *Engine) DecideMany(ctx context.Context, cases [][]byte) ([]Result, error) {
	workers := e.BatchWorkers()
	chunks := chunksOf(cases, workers)
	if workers > len(chunks) {
		workers = len(chunks)
	}
	engines := []*Engine{e}
	if workers > 1 {
		crew, err := e.crewOf(ctx, workers-1)
		if err != nil {
			return nil, err
		}
		engines = append(engines, crew...)
	}
	out := make([]Result, len(cases))
	// Each engine takes the next chunk not yet taken, so an engine slowed by the machine's other
	// work leaves its share to the rest; a failing call stops every engine at its next chunk.
	var next atomic.Int64
	errs := make([]error, len(engines))
	work := func(w int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(chunks) {
				return
			}
			if err := engines[w].decideChunk(ctx, cases, chunks[i], out); err != nil {
				errs[w] = err
				next.Store(int64(len(chunks)))
				return
			}
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < len(engines); w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			work(w)
		}(w)
	}
	work(0)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetBatchWorkers sets how many engines DecideMany may decide on at once: 1 keeps a batch on this
// engine alone, 0 (the default) means runtime.GOMAXPROCS. A program that already calls DecideMany
// from as many goroutines as it has cores gains nothing from more and may set 1.
func (e *Engine) SetBatchWorkers(n int) {
	if n < 0 {
		n = 0
	}
	e.workers.Store(int32(n))
}

// BatchWorkers is how many engines DecideMany may decide on at once (SetBatchWorkers).
func (e *Engine) BatchWorkers() int {
	if n := int(e.workers.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// crewOf is n further engines of this engine's policy, created the first time a batch needs them.
func (e *Engine) crewOf(ctx context.Context, n int) ([]*Engine, error) {
	e.crewMu.Lock()
	defer e.crewMu.Unlock()
	if e.crewClosed {
		return nil, errClosed
	}
	for len(e.crew) < n {
		helper, err := newOn(ctx, e.runtime, e.open, e.source)
		if err != nil {
			return nil, err
		}
		e.crew = append(e.crew, helper)
	}
	return e.crew[:n], nil
}

// chunk is a run of cases sent in one call: cases[start:end], size bytes as records (0: one case
// too large for any batch, decided alone).
type chunk struct{ start, end, size int }

// chunksOf cuts the cases into the chunks DecideMany sends. For several workers the chunks are
// also cut small enough that each worker gets about four, so that they finish near together.
func chunksOf(cases [][]byte, workers int) []chunk {
	maxCases, maxBytes := chunkCases, chunkBytes
	if workers > 1 {
		total := 0
		for _, c := range cases {
			total += 4 + len(c)
		}
		parts := 4 * workers
		maxCases = min(maxCases, max(1, (len(cases)+parts-1)/parts))
		maxBytes = min(maxBytes, max(1, (total+parts-1)/parts))
	}
	var chunks []chunk
	for start := 0; start < len(cases); {
		end, size := nextChunk(cases, start, maxCases, maxBytes)
		chunks = append(chunks, chunk{start, end, size})
		start = end
	}
	return chunks
}

// nextChunk is where the chunk of cases that starts at start ends, and its size as records: at
// most maxCases cases and maxBytes bytes, but always at least the first case. A size of 0 is
// a first case too large for any batch, to be decided alone.
func nextChunk(cases [][]byte, start, maxCases, maxBytes int) (end, size int) {
	if 4+len(cases[start]) > batchMaxBytes {
		return start + 1, 0
	}
	end = start
	for end < len(cases) && end-start < maxCases && 4+len(cases[end]) <= batchMaxBytes-size &&
		(end == start || size+4+len(cases[end]) <= maxBytes) {
		size += 4 + len(cases[end])
		end++
	}
	return end, size
}

// decideChunk decides one chunk into its slots of out.
func (e *Engine) decideChunk(ctx context.Context, cases [][]byte, c chunk, out []Result) error {
	if c.size == 0 {
		// Too large for any batch: alone, it gets the engine's own answer to its size.
		r, err := e.decideAlone(ctx, cases[c.start])
		out[c.start] = r
		return err
	}
	results, err := e.decideBatch(ctx, cases[c.start:c.end], c.size)
	copy(out[c.start:c.end], results)
	return err
}

// decideAlone is Decide's answer as a Result.
func (e *Engine) decideAlone(ctx context.Context, c []byte) (Result, error) {
	decision, err := e.Decide(ctx, c)
	if err != nil {
		if ae, ok := err.(*Error); ok && ae.Code != "internal" {
			return Result{Err: ae}, nil
		}
		return Result{}, err
	}
	return Result{Decision: decision}, nil
}

// decideBatch writes the cases into guest memory as the records arrears_decide_batch reads (a
// u32 little-endian length, then the bytes), makes the one call, and reads one answer record per
// case: a status byte (0 a decision, 1 an error object), a u32 little-endian length, the bytes.
func (e *Engine) decideBatch(ctx context.Context, cases [][]byte, size int) ([]Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inst == nil {
		return nil, errClosed
	}
	a, answer, err := e.batchCall(ctx, cases, uint64(size))
	if err != nil {
		return nil, e.trapped(ctx, err)
	}
	e.finish(ctx, a)
	if !a.ok {
		return nil, parseError(answer)
	}
	results := make([]Result, len(cases))
	rest := answer
	for i := range results {
		if len(rest) < 5 {
			return nil, fmt.Errorf("arrears: the batch answer ends before case %d's record", i)
		}
		status, n := rest[0], binary.LittleEndian.Uint32(rest[1:5])
		if uint64(len(rest)-5) < uint64(n) {
			return nil, fmt.Errorf("arrears: the batch answer ends inside case %d's record", i)
		}
		text := rest[5 : 5+n : 5+n]
		rest = rest[5+n:]
		switch status {
		case 0:
			results[i].Decision = text
		case 1:
			results[i].Err = parseError(text)
		default:
			return nil, fmt.Errorf("arrears: case %d's answer record has status %d", i, status)
		}
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("arrears: the batch answer holds more records than cases")
	}
	return results, nil
}

// batchCall allocates the batch in guest memory, writes each record straight into it, calls
// arrears_decide_batch and frees the input; it returns the result and a copy of its bytes.
func (e *Engine) batchCall(ctx context.Context, cases [][]byte, size uint64) (answer, []byte, error) {
	p, err := e.inst.call(ctx, exportAlloc, size)
	if err != nil {
		return answer{}, nil, fmt.Errorf("arrears: %w", err)
	}
	if p == 0 {
		return answer{}, nil, fmt.Errorf("arrears: the module could not allocate %d bytes", size)
	}
	at := p
	var prefix [4]byte
	for _, c := range cases {
		binary.LittleEndian.PutUint32(prefix[:], uint32(len(c)))
		if !e.inst.write(at, prefix[:]) || !e.inst.write(at+4, c) {
			return answer{}, nil, fmt.Errorf("arrears: the batch does not fit where the module allocated it")
		}
		at += 4 + uint64(len(c))
	}
	r, err := e.inst.call(ctx, exportDecideBatch, e.handle, p, size)
	if _, ferr := e.inst.call(ctx, exportFree, p, size); err == nil {
		err = ferr
	}
	if err != nil {
		return answer{}, nil, fmt.Errorf("arrears: %w", err)
	}
	return e.read(ctx, r)
}

// ImportFineract builds the arrears case of an Apache Fineract loan, given as the JSON text of
// GET /loans/{id}?associations=repaymentSchedule,transactions, on the tenant's business date
// ("YYYY-MM-DD") in the tenant's IANA time zone, and returns the case's JSON text (ready for
// Decide, under this engine's policy or any other; docs/integrations/fineract.md). A loan that
// cannot be read is an *Error whose path points into the loan.
func (e *Engine) ImportFineract(ctx context.Context, loanJSON []byte, businessDate, timeZone string) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inst == nil {
		return nil, errClosed
	}
	inputs := [][]byte{loanJSON, []byte(businessDate), []byte(timeZone)}
	args := make([]uint64, 0, 2*len(inputs))
	var err error
	for _, in := range inputs {
		var p uint64
		if p, err = e.put(ctx, in); err != nil {
			break
		}
		args = append(args, p, uint64(len(in)))
	}
	var r uint64
	if err == nil {
		r, err = e.inst.call(ctx, exportImportFineract, args...)
	}
	for i := 0; i < len(args); i += 2 {
		if _, ferr := e.inst.call(ctx, exportFree, args[i], args[i+1]); err == nil {
			err = ferr
		}
	}
	if err == nil {
		var a answer
		var text []byte
		if a, text, err = e.read(ctx, r); err == nil {
			e.finish(ctx, a)
			if !a.ok {
				return nil, parseError(text)
			}
			return text, nil
		}
	}
	return nil, e.trapped(ctx, err)
}

var errClosed = fmt.Errorf("arrears: the engine is closed")

// Close drops the engine (and its module instance, on wazero). Further calls fail; Close twice is harmless.
func (e *Engine) Close(ctx context.Context) error {
	e.crewMu.Lock()
	e.crewClosed = true
	for _, helper := range e.crew {
		_ = helper.Close(ctx)
	}
	e.crew = nil
	e.crewMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inst == nil {
		return nil
	}
	_, _ = e.inst.call(ctx, exportEngineDrop, e.handle)
	err := e.inst.close(ctx)
	e.inst = nil
	return err
}
