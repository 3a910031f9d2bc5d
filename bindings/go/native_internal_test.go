//go:build arrears_native && linux && amd64

package arrears

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Built with the tag, an engine runs on the embedded native library unless told otherwise.
func TestWithTheTagAnEngineRunsOnTheNativeLibrary(t *testing.T) {
	t.Setenv("ARREARS_RUNTIME", "")
	ctx := context.Background()
	engine, err := New(ctx, "cn-microloan")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	if engine.Runtime() != "native" {
		t.Fatalf("Runtime() is %q with the native library built in", engine.Runtime())
	}
}

// ARREARS_RUNTIME=wasm keeps wazero in a program that carries the native library, and both give
// the same bytes and the same policy.
func TestWasmCanBeForcedAndDecidesTheSameBytes(t *testing.T) {
	ctx := context.Background()
	sample, err := os.ReadFile("../../examples/cases/overdue-consumer-loan.json")
	if err != nil {
		t.Fatal(err)
	}
	var answers [2][]byte
	for i, runtime := range []string{"wasm", "native"} {
		t.Setenv("ARREARS_RUNTIME", runtime)
		engine, err := New(ctx, "cn-microloan")
		if err != nil {
			t.Fatal(err)
		}
		if engine.Runtime() != runtime {
			t.Fatalf("ARREARS_RUNTIME=%s gave an engine on %q", runtime, engine.Runtime())
		}
		if answers[i], err = engine.Decide(ctx, sample); err != nil {
			t.Fatal(err)
		}
		engine.Close(ctx)
	}
	if !bytes.Equal(answers[0], answers[1]) {
		t.Fatalf("wazero and the native library differ:\n%s\n%s", answers[0], answers[1])
	}
}

// The fallback for kernels without executable memfds loads from a file it removes at once.
func TestTheFileFallbackLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ARREARS_CACHE_DIR", dir)
	lib, err := loadFromFile(embeddedLibrary)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := lib.call(context.Background(), exportAlloc, 8)
	if p == 0 {
		t.Fatal("the library loaded from a file does not allocate")
	}
	_, _ = lib.call(context.Background(), exportFree, p, 8)
	left, err := os.ReadDir(dir + "/native")
	if err != nil || len(left) != 0 {
		t.Fatalf("left behind in the cache directory: %v %v", left, err)
	}
}

// A library that cannot be loaded is an error naming it; a file that is not the arrears library
// is one saying so.
func TestALibraryThatCannotBeLoadedIsAnErrorNamingIt(t *testing.T) {
	if _, err := openNative("/nonexistent/libarrears_module.so"); err == nil || !strings.Contains(err.Error(), "/nonexistent/libarrears_module.so") {
		t.Fatalf("a missing library: %v", err)
	}
	if _, err := openNative("libc.so.6"); err == nil || !strings.Contains(err.Error(), "is not the arrears native library") {
		t.Fatalf("libc as the library: %v", err)
	}
}

// The library is loaded once per process, so a library that does not load is tried in a child
// process: forced, New fails saying why; unforced, the engine runs on wazero and says so.
func TestALibraryThatDoesNotLoadFailsAForcedNativeRuntime(t *testing.T) {
	ctx := context.Background()
	if os.Getenv("ARREARS_NATIVE_CHILD") != "" {
		_, err := New(ctx, "cn-microloan")
		if err == nil || !strings.Contains(err.Error(), "ARREARS_RUNTIME=native, but loading /nonexistent/libarrears_module.so") {
			t.Fatalf("forced native, the library missing: %v", err)
		}
		t.Setenv("ARREARS_RUNTIME", "")
		engine, err := New(ctx, "cn-microloan")
		if err != nil || engine.Runtime() != "wasm" {
			t.Fatalf("unforced, the library missing: %v", err)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestALibraryThatDoesNotLoadFailsAForcedNativeRuntime$")
	cmd.Env = append(os.Environ(), "ARREARS_NATIVE_CHILD=1", "ARREARS_RUNTIME=native",
		"ARREARS_NATIVE_LIBRARY=/nonexistent/libarrears_module.so")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
