package arrears

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
)

// trapModule builds the module with its test-only trap (the case text ARREARS-TRAP aborts
// arrears_decide, and arrears_decide_batch when a record holds it): the committed module has no
// such trigger, so the test makes its own.
func trapModule(t *testing.T) []byte {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "target", "module-trap")
	cmd := exec.Command("cargo", "build", "-q", "--locked", "-p", "arrears-module",
		"--features", "trap-trigger", "--target", "wasm32-unknown-unknown")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+target)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the trapping module: %v\n%s", err, out)
	}
	wasm, err := os.ReadFile(filepath.Join(target, "wasm32-unknown-unknown", "debug", "arrears_module.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return wasm
}

func TestATrapIsAnInternalErrorAndTheNextCallWorks(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	mod, err := rt.CompileModule(ctx, trapModule(t))
	if err != nil {
		t.Fatal(err)
	}
	engine, err := newOn(ctx, "wasm", wasmOn(rt, mod), "cn-microloan")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	sample, err := os.ReadFile("../../examples/cases/overdue-consumer-loan.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := engine.Decide(ctx, sample)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		_, err = engine.Decide(ctx, []byte("ARREARS-TRAP"))
		var ae *Error
		if !errors.As(err, &ae) || ae.Code != "internal" {
			t.Fatalf("a trap gave %v, not an *Error with code internal", err)
		}
		if !bytes.Contains(ae.JSON(), []byte(`"code":"internal"`)) {
			t.Fatalf("the error object is %s", ae.JSON())
		}
		got, err := engine.Decide(ctx, sample)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("after a trap the engine answers %s, %v", got, err)
		}
	}
	// A trap in the middle of a batch fails the batch as a whole (the module's state is unknown,
	// so no slot can be trusted), and the next batch works.
	_, err = engine.DecideMany(ctx, [][]byte{sample, []byte("ARREARS-TRAP"), sample})
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "internal" {
		t.Fatalf("a trap in a batch gave %v, not an *Error with code internal", err)
	}
	results, err := engine.DecideMany(ctx, [][]byte{sample, sample})
	if err != nil || len(results) != 2 || !bytes.Equal(results[1].Decision, want) {
		t.Fatalf("after a trap in a batch the engine answers %v, %v", results, err)
	}
}
