package arrears

import (
	"context"
	"strings"
	"testing"
)

func TestAnUnknownRuntimeIsAnError(t *testing.T) {
	t.Setenv("ARREARS_RUNTIME", "jit")
	if _, err := New(context.Background(), "cn-microloan"); err == nil || !strings.Contains(err.Error(), `ARREARS_RUNTIME is "jit"`) {
		t.Fatalf("ARREARS_RUNTIME=jit: %v", err)
	}
}

// A forced native runtime that cannot be had is an error that says why, never wazero quietly.
func TestForcedNativeThatCannotLoadIsAnErrorSayingWhy(t *testing.T) {
	if _, err := nativeRuntime(); err == nil {
		t.Skip("this build carries the native library: native_internal_test.go covers a failing load")
	}
	t.Setenv("ARREARS_RUNTIME", "native")
	_, err := New(context.Background(), "cn-microloan")
	if err == nil || !strings.Contains(err.Error(), "ARREARS_RUNTIME=native, but") || !strings.Contains(err.Error(), "arrears_native") {
		t.Fatalf("ARREARS_RUNTIME=native without the native library: %v", err)
	}
}

// Unforced, an engine runs on whatever this build has, and says so.
func TestRuntimeSaysWhichRuntimeAnEngineRunsOn(t *testing.T) {
	t.Setenv("ARREARS_RUNTIME", "wasm")
	ctx := context.Background()
	engine, err := New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	if engine.Runtime() != "wasm" {
		t.Fatalf("ARREARS_RUNTIME=wasm gave %q", engine.Runtime())
	}
}
