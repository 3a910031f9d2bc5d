// Command corpus-report runs the conformance corpus through the Go library and writes each case's
// output as one JSON line for `arrears corpus check`, which holds every surface's outputs to the
// expected bytes, the digests and the claims. A case whose meta.json sets "plan_days" is planned
// over that many days instead of decided. The surface is the runtime the engines run on: wazero,
// or the native library in a build with the arrears_native tag.
//
//	go run ./cmd/corpus-report ../../tests/conformance | arrears corpus check ../../tests/conformance
//	go run -tags arrears_native ./cmd/corpus-report ../../tests/conformance | arrears corpus check ../../tests/conformance
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	arrears "github.com/arrears-engine/arrears/bindings/go"
	"github.com/arrears-engine/arrears/bindings/go/internal/conformance"
)

func main() {
	root := "../../tests/conformance"
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	ctx := context.Background()
	cases, err := conformance.Load(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// The process chooses the runtime once (its build and environment): it names the surface.
	probe, err := arrears.New(ctx, "cn-microloan")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	surface := map[string]string{"wasm": "wazero (Go)", "native": "Go, native library"}[probe.Runtime()]
	probe.Close(ctx)
	engines := map[string]*arrears.Engine{}
	lines := json.NewEncoder(os.Stdout)
	// The outputs are written as the engine gave them: no HTML escaping of <, > and &.
	lines.SetEscapeHTML(false)
	for _, c := range cases {
		var out []byte
		var e *arrears.Error
		engine, ok := engines[c.Policy]
		if !ok {
			engine, err = arrears.New(ctx, c.Policy)
			engines[c.Policy] = engine
		}
		if engine == nil {
			_, err = arrears.New(ctx, c.Policy)
		} else if c.PlanDays != nil {
			out, err = engine.Plan(ctx, c.Input, *c.PlanDays)
		} else {
			out, err = engine.Decide(ctx, c.Input)
		}
		if errors.As(err, &e) {
			out = e.JSON()
		}
		if err := lines.Encode(conformance.Output{Surface: surface, Case: c.Name, Output: string(out)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
