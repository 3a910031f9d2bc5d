package arrears

import (
	"context"
	"fmt"
	"os"
)

// chooseRuntime picks where a new engine runs (the package documentation, "The native library"):
// ARREARS_RUNTIME=wasm or native forces one, and unset takes the native library when this
// program carries it and it loads, else wazero. A forced native that cannot be had is an error,
// never a quiet fallback: whoever forced it relies on its speed.
func chooseRuntime(ctx context.Context) (string, func(context.Context) (instance, error), error) {
	wanted := os.Getenv("ARREARS_RUNTIME")
	if wanted != "" && wanted != "wasm" && wanted != "native" {
		return "", nil, fmt.Errorf("arrears: ARREARS_RUNTIME is %q; it may be wasm or native, or unset for the fastest available", wanted)
	}
	if wanted != "wasm" {
		open, err := nativeRuntime()
		if err == nil {
			return "native", open, nil
		}
		if wanted == "native" {
			return "", nil, fmt.Errorf("arrears: ARREARS_RUNTIME=native, but %w", err)
		}
	}
	open, err := wasmRuntime(ctx)
	return "wasm", open, err
}
