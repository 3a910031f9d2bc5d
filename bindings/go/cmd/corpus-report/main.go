// Command corpus-report runs the conformance corpus through the Go library and prints the
// conformance line scripts/conformance.sh collects; it exits 1 if any case differs or fails a claim.
// A case whose meta.json sets "plan_days" is planned over that many days instead of decided.
//
//	go run ./cmd/corpus-report ../../tests/conformance
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
	engines := map[string]*arrears.Engine{}
	report := conformance.Report{Surface: "wazero (Go)", Cases: len(cases), Differ: []string{}, FailedClaims: []string{}}
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
		if conformance.Compare(root, c, out) != "" {
			report.Differ = append(report.Differ, c.Name)
		}
		report.Claims += len(c.Claims)
		for _, why := range conformance.Check(c, out) {
			report.FailedClaims = append(report.FailedClaims, c.Name+": "+why)
		}
	}
	report.Identical = report.Cases - len(report.Differ)
	line, _ := json.Marshal(report)
	fmt.Println(string(line))
	if len(report.Differ) > 0 || len(report.FailedClaims) > 0 {
		os.Exit(1)
	}
}
