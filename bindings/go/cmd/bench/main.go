// Command bench measures decisions per second through the Go library on the synthetic cases of
// scripts/bench.sh, one call per case, and prints {"surface", "rows"} like every surface:
//
//	go run ./cmd/bench POLICY DIR [batch]   (DIR holds cases-N.jsonl; BENCH_MS per measurement)
//
// With "batch", each row also holds decide_many_per_s: the same cases through DecideMany, the
// whole file per call, measured in turns with the loop of Decide calls (a sixteenth of the budget
// each, sixteen times) so that a change in the machine's load falls on both alike, and
// decide_many_turn_ratio, the median over the turns of DecideMany's rate over the loop's in the
// turn just before it: a batch saves a few percent at most, less than the load of a shared
// machine moves a total, and a median of paired turns is what still shows it. DecideMany spreads
// its chunks over the engine's batch workers (GOMAXPROCS unless BENCH_BATCH_WORKERS sets them), so
// the row also holds batch_workers and decide_many_cpu_ratio: the process's CPU time per case
// through DecideMany over the loop's, what a batch costs as against how soon it is done.
//
// With "stall", each row also holds the longest gap, in ms, of a goroutine ticking every
// millisecond (and allocating, so that collections run) beside a loop of Decide calls
// (decide_stall_ms) and beside DecideMany of the whole file (decide_many_stall_ms), each for a
// third of the budget: on wazero, a collection that stops the world waits for the call into the
// module that is running, and the whole program with it.
//
// The surface is the runtime the engine runs on: wazero, or the native library in a build with
// the arrears_native tag (go run -tags arrears_native ./cmd/bench ...). new_ms times the
// process's first New (the module compiled or taken from the cache, or the library loaded) and a
// second one.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	arrears "github.com/arrears-engine/arrears/bindings/go"
)

func main() {
	policy, dir := os.Args[1], os.Args[2]
	option := ""
	if len(os.Args) > 3 {
		option = os.Args[3]
	}
	batch, stall := option == "batch", option == "stall"
	budget := time.Second
	if ms, err := strconv.Atoi(os.Getenv("BENCH_MS")); err == nil {
		budget = time.Duration(ms) * time.Millisecond
	}
	ctx := context.Background()
	started := time.Now()
	engine, err := arrears.New(ctx, policy)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	first := time.Since(started)
	started = time.Now()
	second, err := arrears.New(ctx, policy)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	newMs := map[string]float64{"first": ms(first), "second": ms(time.Since(started))}
	if n, err := strconv.Atoi(os.Getenv("BENCH_BATCH_WORKERS")); err == nil {
		engine.SetBatchWorkers(n)
	}
	second.Close(ctx)
	type row struct {
		History        int     `json:"history"`
		DecidePerS     float64 `json:"decide_per_s,omitempty"`
		DecideManyPerS float64 `json:"decide_many_per_s,omitempty"`
		TurnRatio      float64 `json:"decide_many_turn_ratio,omitempty"`
		CPURatio       float64 `json:"decide_many_cpu_ratio,omitempty"`
		Workers        int     `json:"batch_workers,omitempty"`
		StallMs        float64 `json:"decide_stall_ms,omitempty"`
		ManyStallMs    float64 `json:"decide_many_stall_ms,omitempty"`
		Refused        int     `json:"refused"`
	}
	loop := func(cases [][]byte, budget time.Duration) (int, time.Duration) {
		n, start := 0, time.Now()
		for time.Since(start) < budget {
			for _, c := range cases {
				_, _ = engine.Decide(ctx, c)
				n++
			}
		}
		return n, time.Since(start)
	}
	many := func(cases [][]byte, budget time.Duration) (int, time.Duration) {
		n, start := 0, time.Now()
		for time.Since(start) < budget {
			results, err := engine.DecideMany(ctx, cases)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			n += len(results)
		}
		return n, time.Since(start)
	}
	var rows []row
	for _, history := range []int{20, 200, 2000, 10000} {
		raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("cases-%d.jsonl", history)))
		if os.IsNotExist(err) {
			continue // a row the caller did not ask for
		}
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
		if stall {
			one := worstGap(func() { loop(cases, budget/3) })
			all := worstGap(func() { many(cases, budget/3) })
			rows = append(rows, row{History: history, StallMs: ms(one), ManyStallMs: ms(all), Refused: refused})
			continue
		}
		if !batch {
			n, took := loop(cases, budget)
			rows = append(rows, row{History: history, DecidePerS: float64(n) / took.Seconds(), Refused: refused})
			continue
		}
		const turns = 16
		var n1, n2 int
		var t1, t2, c1, c2 time.Duration
		ratios := make([]float64, 0, turns)
		for turn := 0; turn < turns; turn++ {
			cpu := cpuTime()
			na, ta := loop(cases, budget/turns)
			n1, t1, c1 = n1+na, t1+ta, c1+cpuTime()-cpu
			cpu = cpuTime()
			nb, tb := many(cases, budget/turns)
			n2, t2, c2 = n2+nb, t2+tb, c2+cpuTime()-cpu
			ratios = append(ratios, (float64(nb)/tb.Seconds())/(float64(na)/ta.Seconds()))
		}
		sort.Float64s(ratios)
		median := (ratios[turns/2-1] + ratios[turns/2]) / 2
		rows = append(rows, row{History: history, DecidePerS: float64(n1) / t1.Seconds(),
			DecideManyPerS: float64(n2) / t2.Seconds(), TurnRatio: median,
			CPURatio: (c2.Seconds() / float64(n2)) / (c1.Seconds() / float64(n1)),
			Workers:  engine.BatchWorkers(), Refused: refused})
	}
	surface := map[string]string{"wasm": "wazero (Go)", "native": "Go, native library"}[engine.Runtime()]
	out, _ := json.Marshal(map[string]any{"surface": surface, "rows": rows, "new_ms": newMs})
	fmt.Println(string(out))
}

// worstGap runs work beside a goroutine that sleeps a millisecond at a time and allocates 64 KiB
// each time (so that collections run), and returns the longest time that goroutine went between
// two ticks.
func worstGap(work func()) time.Duration {
	done, worst := make(chan struct{}), make(chan time.Duration)
	go func() {
		var longest time.Duration
		var held [][]byte
		last := time.Now()
		for {
			select {
			case <-done:
				worst <- longest
				return
			default:
			}
			time.Sleep(time.Millisecond)
			held = append(held, make([]byte, 64<<10))
			if len(held) > 64 {
				held = nil
			}
			now := time.Now()
			longest = max(longest, now.Sub(last))
			last = now
		}
	}()
	work()
	close(done)
	return <-worst
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is the CPU time the process has used, user and system, over all its threads.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
