package arrears

import (
	"context"
	"os"
	"testing"
)

// What a call costs around the decision, against a decision: BENCHMARKS.md ("Go: the native
// library without cgo") measures both on each runtime (-tags arrears_native for the native one).
//
//	go test -run '^$' -bench . -benchmem [-tags arrears_native]

// The sample case (one history event), decided.
func BenchmarkDecideSampleCase(b *testing.B) {
	ctx := context.Background()
	sample, err := os.ReadFile("../../examples/cases/overdue-consumer-loan.json")
	if err != nil {
		b.Fatal(err)
	}
	engine, err := New(ctx, "cn-microloan")
	if err != nil {
		b.Fatal(err)
	}
	defer engine.Close(ctx)
	for b.Loop() {
		if _, err := engine.Decide(ctx, sample); err != nil {
			b.Fatal(err)
		}
	}
}

// The whole protocol of a call (allocate, copy in, call, free, read the result, copy out, release,
// and the error object's parsing) on an input the engine refuses at its first byte: the glue.
func BenchmarkCallRefusedAtOnce(b *testing.B) {
	ctx := context.Background()
	engine, err := New(ctx, "cn-microloan")
	if err != nil {
		b.Fatal(err)
	}
	defer engine.Close(ctx)
	for b.Loop() {
		if _, err := engine.Decide(ctx, []byte("null")); err == nil {
			b.Fatal("null was decided")
		}
	}
}
