// Command bench measures decisions per second through the Go library on the synthetic cases of
// scripts/bench.sh, one call per case, and prints {"surface", "rows"} like every surface:
//
//	go run ./cmd/bench POLICY DIR   (DIR holds cases-N.jsonl; BENCH_MS per measurement)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	arrears "github.com/arrears-engine/arrears/bindings/go"
)

func main() {
	policy, dir := os.Args[1], os.Args[2]
	budget := time.Second
	if ms, err := strconv.Atoi(os.Getenv("BENCH_MS")); err == nil {
		budget = time.Duration(ms) * time.Millisecond
	}
	ctx := context.Background()
	engine, err := arrears.New(ctx, policy)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	type row struct {
		History    int     `json:"history"`
		DecidePerS float64 `json:"decide_per_s"`
		Refused    int     `json:"refused"`
	}
	var rows []row
	for _, history := range []int{20, 200, 2000, 10000} {
		raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("cases-%d.jsonl", history)))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cases := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
		// A refusal (the work budget refuses the largest synthetic cases) is timed like a
		// decision, as the native bench does, and counted so the table can say so.
		refused := 0
		for _, c := range cases {
			if _, err := engine.Decide(ctx, c); err != nil {
				refused++
			}
		}
		n, start := 0, time.Now()
		for time.Since(start) < budget {
			for _, c := range cases {
				_, _ = engine.Decide(ctx, c)
				n++
			}
		}
		rows = append(rows, row{history, float64(n) / time.Since(start).Seconds(), refused})
	}
	out, _ := json.Marshal(map[string]any{"surface": "wazero (Go)", "rows": rows})
	fmt.Println(string(out))
}
