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
// instance runs one call at a time. For decisions in parallel, give each goroutine its own
// Engine (they share the compiled module, so a further Engine costs an instantiation, not a
// compilation).
package arrears

import (
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// The module built by scripts/build-module.sh from bindings/module; docs/abi.md is its ABI.
//
//go:embed arrears.wasm
var moduleWasm []byte

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

// The wazero runtime and the compiled module are shared by every Engine: compiling the module
// is the expensive part, done once per process.
var shared struct {
	once     sync.Once
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	err      error
}

func compiled(ctx context.Context) (wazero.Runtime, wazero.CompiledModule, error) {
	shared.once.Do(func() {
		// A background context: the runtime outlives the call that first needs it.
		bg := context.Background()
		config := wazero.NewRuntimeConfigCompiler()
		if cache := compilationCache(); cache != nil {
			config = config.WithCompilationCache(cache)
		}
		shared.runtime = wazero.NewRuntimeWithConfig(bg, config)
		shared.compiled, shared.err = shared.runtime.CompileModule(bg, moduleWasm)
	})
	return shared.runtime, shared.compiled, shared.err
}

// compilationCache keeps the module's native code between processes, so only the first New on
// a machine compiles it: in $ARREARS_CACHE_DIR/wazero, else the user's cache directory
// (arrears/wazero); ARREARS_CACHE_DIR="" turns it off. wazero keys each entry by the module's
// digest and its own version, and a cache it cannot use only costs the compilation.
func compilationCache() wazero.CompilationCache {
	dir, set := os.LookupEnv("ARREARS_CACHE_DIR")
	if set && dir == "" {
		return nil
	}
	if !set {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "arrears")
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "wazero"))
	if err != nil {
		return nil
	}
	return cache
}

// Engine decides cases under one policy. Create it with New; Close it when done.
type Engine struct {
	mu       sync.Mutex
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	source   string // the policy as given to New, to start a fresh instance after a trap
	module   api.Module
	handle   uint64
	policy   []byte
	fn       struct {
		alloc, free, decide, decideBatch, plan, importFineract, ptr, length, ok, release, drop api.Function
	}
}

// New builds an engine from a built-in pack id ("cn-microloan", "us-reg-f") or a policy
// document's JSON text. A policy that does not load is an *Error.
func New(ctx context.Context, policy string) (*Engine, error) {
	rt, mod, err := compiled(ctx)
	if err != nil {
		return nil, fmt.Errorf("arrears: compiling the module: %w", err)
	}
	return newOn(ctx, rt, mod, policy)
}

// newOn builds an engine on a given compiled module (the tests give one that can be made to trap).
func newOn(ctx context.Context, rt wazero.Runtime, mod wazero.CompiledModule, policy string) (*Engine, error) {
	e := &Engine{runtime: rt, compiled: mod, source: policy}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// start instantiates the module and builds the engine's policy in it.
func (e *Engine) start(ctx context.Context) error {
	instance, err := e.runtime.InstantiateModule(ctx, e.compiled, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		return fmt.Errorf("arrears: instantiating the module: %w", err)
	}
	e.module = instance
	f := &e.fn
	f.alloc, f.free = instance.ExportedFunction("arrears_alloc"), instance.ExportedFunction("arrears_free")
	f.decide, f.decideBatch = instance.ExportedFunction("arrears_decide"), instance.ExportedFunction("arrears_decide_batch")
	f.plan = instance.ExportedFunction("arrears_plan")
	f.importFineract = instance.ExportedFunction("arrears_import_fineract")
	f.ptr, f.length = instance.ExportedFunction("arrears_result_ptr"), instance.ExportedFunction("arrears_result_len")
	f.ok, f.release = instance.ExportedFunction("arrears_result_ok"), instance.ExportedFunction("arrears_result_free")
	f.drop = instance.ExportedFunction("arrears_engine_drop")
	result, text, err := e.call(ctx, instance.ExportedFunction("arrears_engine_new"), 0, []byte(e.source))
	if err == nil && result.ok {
		var h []uint64
		h, err = instance.ExportedFunction("arrears_result_engine").Call(ctx, result.handle)
		if err == nil {
			e.handle = h[0]
		}
	}
	e.finish(ctx, result)
	if err == nil && !result.ok {
		err = parseError(text)
	}
	if err != nil {
		instance.Close(ctx)
		e.module = nil
		return err
	}
	e.policy = text
	return nil
}

// trapped answers a call the module did not finish (a trap: a bug, or memory exhausted). The
// instance's state is unknown after a trap, so it is thrown away and a fresh one built with the
// same policy: the next call works. The caller gets an *Error with the code "internal".
func (e *Engine) trapped(ctx context.Context, cause error) *Error {
	if e.module != nil {
		_ = e.module.Close(ctx)
		e.module = nil
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

// put copies input into guest memory the module allocated for it; the caller frees it.
func (e *Engine) put(ctx context.Context, input []byte) (uint64, error) {
	n := uint64(len(input))
	p, err := e.fn.alloc.Call(ctx, n)
	if err != nil {
		return 0, fmt.Errorf("arrears: %w", err)
	}
	if p[0] == 0 || !e.module.Memory().Write(uint32(p[0]), input) {
		return 0, fmt.Errorf("arrears: the module could not allocate %d bytes", n)
	}
	return p[0], nil
}

// call writes input into guest memory, calls fn (with the engine handle first unless fn is
// engine construction, and the further arguments last) and returns the result handle and a copy
// of its text.
func (e *Engine) call(ctx context.Context, fn api.Function, engine uint64, input []byte, more ...uint64) (answer, []byte, error) {
	n := uint64(len(input))
	p, err := e.put(ctx, input)
	if err != nil {
		return answer{}, nil, err
	}
	var r []uint64
	if fn == e.fn.decide || fn == e.fn.plan {
		r, err = fn.Call(ctx, append([]uint64{engine, p, n}, more...)...)
	} else {
		r, err = fn.Call(ctx, p, n)
	}
	if _, ferr := e.fn.free.Call(ctx, p, n); err == nil {
		err = ferr
	}
	if err != nil {
		return answer{}, nil, fmt.Errorf("arrears: %w", err)
	}
	return e.read(ctx, r[0])
}

// read copies a result's text out of guest memory; the caller releases the result.
func (e *Engine) read(ctx context.Context, handle uint64) (answer, []byte, error) {
	a := answer{handle: handle}
	ptr, err1 := e.fn.ptr.Call(ctx, a.handle)
	length, err2 := e.fn.length.Call(ctx, a.handle)
	ok, err3 := e.fn.ok.Call(ctx, a.handle)
	if err1 != nil || err2 != nil || err3 != nil {
		return a, nil, fmt.Errorf("arrears: reading a result failed")
	}
	a.ok = ok[0] == 1
	view, inside := e.module.Memory().Read(uint32(ptr[0]), uint32(length[0]))
	if !inside {
		return a, nil, fmt.Errorf("arrears: a result lies outside the module's memory")
	}
	return a, append([]byte(nil), view...), nil
}

func (e *Engine) finish(ctx context.Context, a answer) {
	if a.handle != 0 {
		_, _ = e.fn.release.Call(ctx, a.handle)
	}
}

// Policy is the id, version and digest of the engine's newest policy version, as JSON text.
func (e *Engine) Policy() []byte { return e.policy }

// Decide decides one case given as JSON text and returns the decision's canonical JSON text.
// Bad input is an *Error, the same error object every arrears surface gives.
func (e *Engine) Decide(ctx context.Context, caseJSON []byte) ([]byte, error) {
	return e.one(ctx, e.fn.decide, caseJSON)
}

// Plan lays out, for a case given as JSON text, the windows in which each action of its decision
// is allowed if nothing else happens, from the case's as_of over the given number of local days
// (1 to 31), with the rules that open and close each window and the room each cap leaves in it;
// it returns the plan's canonical JSON text. Bad input (a number of days out of range among it)
// is an *Error, the same error object every arrears surface gives.
func (e *Engine) Plan(ctx context.Context, caseJSON []byte, days uint32) ([]byte, error) {
	return e.one(ctx, e.fn.plan, caseJSON, uint64(days))
}

// one calls an export on one case under the engine: its text, or its error object as an *Error.
func (e *Engine) one(ctx context.Context, fn api.Function, caseJSON []byte, more ...uint64) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.module == nil {
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
// the module: the cost of a call is already shared out at a few hundred cases, and the module's
// memory, which never shrinks, need only hold one such batch and its answers.
const (
	chunkCases = 256
	chunkBytes = 16 << 20
)

// DecideMany decides many cases, a few hundred per call into the module: one Result per case,
// in order, exactly what Decide gives for it (a bad case is an error in its slot, never a failed
// batch). The error return is only for a closed engine or a failing runtime.
func (e *Engine) DecideMany(ctx context.Context, cases [][]byte) ([]Result, error) {
	out := make([]Result, 0, len(cases))
	for start := 0; start < len(cases); {
		if 4+len(cases[start]) > batchMaxBytes {
			// Too large for any batch: alone, it gets the engine's own answer to its size.
			r, err := e.decideAlone(ctx, cases[start])
			if err != nil {
				return nil, err
			}
			out = append(out, r)
			start++
			continue
		}
		end, size := start, 0
		for end < len(cases) && end-start < chunkCases && 4+len(cases[end]) <= batchMaxBytes-size &&
			(end == start || size+4+len(cases[end]) <= chunkBytes) {
			size += 4 + len(cases[end])
			end++
		}
		results, err := e.decideBatch(ctx, cases[start:end], size)
		if err != nil {
			return nil, err
		}
		out = append(out, results...)
		start = end
	}
	return out, nil
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
	if e.module == nil {
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
	p, err := e.fn.alloc.Call(ctx, size)
	if err != nil {
		return answer{}, nil, fmt.Errorf("arrears: %w", err)
	}
	if p[0] == 0 {
		return answer{}, nil, fmt.Errorf("arrears: the module could not allocate %d bytes", size)
	}
	mem := e.module.Memory()
	at := uint32(p[0])
	for _, c := range cases {
		if !mem.WriteUint32Le(at, uint32(len(c))) || !mem.Write(at+4, c) {
			return answer{}, nil, fmt.Errorf("arrears: the batch does not fit where the module allocated it")
		}
		at += 4 + uint32(len(c))
	}
	r, err := e.fn.decideBatch.Call(ctx, e.handle, p[0], size)
	if _, ferr := e.fn.free.Call(ctx, p[0], size); err == nil {
		err = ferr
	}
	if err != nil {
		return answer{}, nil, fmt.Errorf("arrears: %w", err)
	}
	return e.read(ctx, r[0])
}

// ImportFineract builds the arrears case of an Apache Fineract loan, given as the JSON text of
// GET /loans/{id}?associations=repaymentSchedule,transactions, on the tenant's business date
// ("YYYY-MM-DD") in the tenant's IANA time zone, and returns the case's JSON text (ready for
// Decide, under this engine's policy or any other; docs/integrations/fineract.md). A loan that
// cannot be read is an *Error whose path points into the loan.
func (e *Engine) ImportFineract(ctx context.Context, loanJSON []byte, businessDate, timeZone string) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.module == nil {
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
	var r []uint64
	if err == nil {
		r, err = e.fn.importFineract.Call(ctx, args...)
	}
	for i := 0; i < len(args); i += 2 {
		if _, ferr := e.fn.free.Call(ctx, args[i], args[i+1]); err == nil {
			err = ferr
		}
	}
	if err == nil {
		var a answer
		var text []byte
		if a, text, err = e.read(ctx, r[0]); err == nil {
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

// Close drops the engine and its module instance. Further calls fail; Close twice is harmless.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.module == nil {
		return nil
	}
	_, _ = e.fn.drop.Call(ctx, e.handle)
	err := e.module.Close(ctx)
	e.module = nil
	return err
}
