package arrears

import (
	"context"
	_ "embed"
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

// wasmRuntime opens a fresh instance of the shared compiled module for each engine.
func wasmRuntime(ctx context.Context) (func(context.Context) (instance, error), error) {
	rt, mod, err := compiled(ctx)
	if err != nil {
		return nil, fmt.Errorf("arrears: compiling the module: %w", err)
	}
	return wasmOn(rt, mod), nil
}

// wasmOn opens instances of a given compiled module (the tests give one that can be made to trap).
func wasmOn(rt wazero.Runtime, mod wazero.CompiledModule) func(context.Context) (instance, error) {
	return func(ctx context.Context) (instance, error) {
		module, err := rt.InstantiateModule(ctx, mod, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			return nil, fmt.Errorf("arrears: instantiating the module: %w", err)
		}
		w := &wasmInstance{module: module}
		for i, name := range exportNames {
			w.fn[i] = module.ExportedFunction(name)
		}
		return w, nil
	}
}

// wasmInstance is one instance of the module: its own memory and state.
type wasmInstance struct {
	module api.Module
	fn     [exportCount]api.Function
}

func (w *wasmInstance) call(ctx context.Context, fn export, args ...uint64) (uint64, error) {
	r, err := w.fn[fn].Call(ctx, args...)
	if err != nil || len(r) == 0 {
		return 0, err
	}
	return r[0], nil
}

func (w *wasmInstance) write(at uint64, b []byte) bool {
	return at+uint64(len(b)) <= 1<<32 && w.module.Memory().Write(uint32(at), b)
}

func (w *wasmInstance) read(at, n uint64) ([]byte, bool) {
	if at > 1<<32 || n > 1<<32 {
		return nil, false
	}
	view, inside := w.module.Memory().Read(uint32(at), uint32(n))
	if !inside {
		return nil, false
	}
	return append([]byte(nil), view...), true
}

func (w *wasmInstance) close(ctx context.Context) error { return w.module.Close(ctx) }
