package arrears_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"

	arrears "github.com/arrears-engine/arrears/bindings/go"
	"github.com/arrears-engine/arrears/bindings/go/internal/conformance"
)

const corpus = "../../tests/conformance"

func engines(t *testing.T, ctx context.Context) func(policy string) *arrears.Engine {
	byPolicy := map[string]*arrears.Engine{}
	t.Cleanup(func() {
		for _, e := range byPolicy {
			e.Close(ctx)
		}
	})
	return func(policy string) *arrears.Engine {
		if e, ok := byPolicy[policy]; ok {
			return e
		}
		e, err := arrears.New(ctx, policy)
		if err != nil {
			return nil
		}
		byPolicy[policy] = e
		return e
	}
}

// answer is the text a case gives on this surface: the decision (the plan, for a plan case), or
// the error object.
func answer(ctx context.Context, c conformance.Case, engine func(string) *arrears.Engine) []byte {
	e := engine(c.Policy)
	if e == nil {
		_, err := arrears.New(ctx, c.Policy)
		return err.(*arrears.Error).JSON()
	}
	var out []byte
	var err error
	if c.PlanDays != nil {
		out, err = e.Plan(ctx, c.Input, *c.PlanDays)
	} else {
		out, err = e.Decide(ctx, c.Input)
	}
	if err != nil {
		return err.(*arrears.Error).JSON()
	}
	return out
}

func TestCorpusIsByteIdentical(t *testing.T) {
	ctx := context.Background()
	cases, err := conformance.Load(corpus)
	if err != nil || len(cases) == 0 {
		t.Fatalf("corpus: %v (%d cases)", err, len(cases))
	}
	engine := engines(t, ctx)
	for _, c := range cases {
		out := answer(ctx, c, engine)
		if why := conformance.Compare(c, out); why != "" {
			t.Errorf("%s: %s", c.Name, why)
		}
	}
	t.Logf("%d cases", len(cases))
}

// decideAlone is what Decide gives for a case, as DecideMany's slot would hold it.
func decideAlone(t *testing.T, ctx context.Context, engine *arrears.Engine, in []byte) []byte {
	t.Helper()
	want, err := engine.Decide(ctx, in)
	if err != nil {
		var ae *arrears.Error
		if !errors.As(err, &ae) {
			t.Fatalf("Decide: %v", err)
		}
		return ae.JSON()
	}
	return want
}

func TestDecideManyGivesTheBytesOfDecideOverTheWholeCorpus(t *testing.T) {
	ctx := context.Background()
	cases, err := conformance.Load(corpus)
	if err != nil {
		t.Fatal(err)
	}
	engine := engines(t, ctx)
	byPolicy := map[string][][]byte{}
	for _, c := range cases {
		if c.PlanDays == nil {
			byPolicy[c.Policy] = append(byPolicy[c.Policy], c.Input)
		}
	}
	checked := 0
	for policy, inputs := range byPolicy {
		e := engine(policy)
		if e == nil {
			continue // the policy itself is the error under test: no engine to batch on
		}
		results, err := e.DecideMany(ctx, inputs)
		if err != nil || len(results) != len(inputs) {
			t.Fatalf("DecideMany: %v, %d results for %d cases", err, len(results), len(inputs))
		}
		for i, in := range inputs {
			if want := decideAlone(t, ctx, e, in); string(results[i].JSON()) != string(want) {
				t.Errorf("slot %d: DecideMany gave %.120s, Decide %.120s", i, results[i].JSON(), want)
			}
		}
		checked += len(inputs)
	}
	if checked < 100 {
		t.Fatalf("only %d corpus cases were batched", checked)
	}
}

func TestABadCaseInTheMiddleIsAnErrorInItsSlotAndTheRestAreDecided(t *testing.T) {
	ctx := context.Background()
	engine, err := arrears.New(ctx, "cn-microloan")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	sample, err := os.ReadFile("../../examples/cases/overdue-consumer-loan.json")
	if err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{sample, []byte("{"), {0xff}, nil, []byte(`{"as_of":"2026-03-10T14:30:00"}`), sample}
	results, err := engine.DecideMany(ctx, inputs)
	if err != nil || len(results) != len(inputs) {
		t.Fatalf("DecideMany: %v, %d results for %d cases", err, len(results), len(inputs))
	}
	for i, in := range inputs {
		bad := i > 0 && i < len(inputs)-1
		if (results[i].Err != nil) != bad || (results[i].Decision != nil) == bad {
			t.Errorf("slot %d: error %v, decision %.40s", i, results[i].Err, results[i].Decision)
		}
		if want := decideAlone(t, ctx, engine, in); string(results[i].JSON()) != string(want) {
			t.Errorf("slot %d: DecideMany gave %.120s, Decide %.120s", i, results[i].JSON(), want)
		}
	}
	if results[4].Err.Path != "as_of" {
		t.Errorf("the bad instant's error is at %q", results[4].Err.Path)
	}
}

func TestAnEmptyBatchIsAnEmptyAnswer(t *testing.T) {
	ctx := context.Background()
	engine, err := arrears.New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	results, err := engine.DecideMany(ctx, nil)
	if err != nil || len(results) != 0 {
		t.Fatalf("DecideMany of nothing: %v, %d results", err, len(results))
	}
}

// However many engines a batch is spread over, each slot holds what Decide gives for its case,
// in the order given; a closed engine closes the engines it spread batches over with it.
func TestDecideManyGivesTheSameSlotsOnAnyNumberOfWorkers(t *testing.T) {
	ctx := context.Background()
	engine, err := arrears.New(ctx, "cn-microloan")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := conformance.Load(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var inputs [][]byte
	for _, c := range cases {
		if c.Policy == "cn-microloan" && c.PlanDays == nil {
			inputs = append(inputs, c.Input, []byte("{"))
		}
	}
	if len(inputs) < 40 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = string(decideAlone(t, ctx, engine, in))
	}
	// The last: more workers than cases, on the first five.
	for _, run := range [][2]int{{1, len(inputs)}, {2, len(inputs)}, {3, len(inputs)}, {7, len(inputs)}, {9, 5}} {
		workers, cases := run[0], inputs[:run[1]]
		engine.SetBatchWorkers(workers)
		if got := engine.BatchWorkers(); got != workers {
			t.Fatalf("BatchWorkers is %d after SetBatchWorkers(%d)", got, workers)
		}
		results, err := engine.DecideMany(ctx, cases)
		if err != nil || len(results) != len(cases) {
			t.Fatalf("%d workers: %v, %d results for %d cases", workers, err, len(results), len(cases))
		}
		for i := range cases {
			if string(results[i].JSON()) != want[i] {
				t.Fatalf("%d workers, slot %d: %.120s, want %.120s", workers, i, results[i].JSON(), want[i])
			}
		}
	}
	engine.SetBatchWorkers(0)
	if engine.BatchWorkers() != runtime.GOMAXPROCS(0) {
		t.Errorf("the default is %d workers, GOMAXPROCS is %d", engine.BatchWorkers(), runtime.GOMAXPROCS(0))
	}
	if err := engine.Close(ctx); err != nil {
		t.Fatal(err)
	}
	engine.SetBatchWorkers(3)
	if _, err := engine.DecideMany(ctx, inputs); err == nil {
		t.Fatal("DecideMany on a closed engine worked")
	}
}

func TestMoreCasesThanOneBatchHoldsAreSentInSeveral(t *testing.T) {
	ctx := context.Background()
	engine, err := arrears.New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	// More than the module's 4,096 cases per batch, each refused quickly: the library must split
	// them, never send a batch the module refuses as a whole.
	inputs := make([][]byte, 4097)
	for i := range inputs {
		inputs[i] = []byte("{}")
	}
	inputs[4096] = []byte("[")
	results, err := engine.DecideMany(ctx, inputs)
	if err != nil || len(results) != len(inputs) {
		t.Fatalf("DecideMany: %v, %d results for %d cases", err, len(results), len(inputs))
	}
	first, last := decideAlone(t, ctx, engine, inputs[0]), decideAlone(t, ctx, engine, inputs[4096])
	if string(results[0].JSON()) != string(first) || string(results[4096].JSON()) != string(last) {
		t.Errorf("the first and last slots: %s, %s", results[0].JSON(), results[4096].JSON())
	}
}

func TestBadInputsGiveTheNativeErrorObjects(t *testing.T) {
	ctx := context.Background()
	raw, err := os.ReadFile("../../tests/abi/bad-inputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Inputs []struct {
			Name, Call, Policy, Input, Expected string
			InputHex                            string  `json:"input_hex"`
			Days                                uint32  `json:"days"`
			EngineHandle                        *uint64 `json:"engine_handle"`
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, in := range doc.Inputs {
		input := []byte(in.Input)
		if in.InputHex != "" {
			input, _ = hex.DecodeString(in.InputHex)
		}
		var got []byte
		var e *arrears.Error
		if in.EngineHandle != nil {
			got = onHandle(t, ctx, in.Call, *in.EngineHandle, input, in.Days)
			if string(got) != in.Expected {
				t.Errorf("%s:\n got %s\nwant %s", in.Name, got, in.Expected)
			}
			continue
		}
		switch in.Call {
		case "engine":
			engine, err := arrears.New(ctx, string(input))
			if !errors.As(err, &e) {
				t.Fatalf("%s: want an *arrears.Error, got %v", in.Name, err)
			}
			if engine != nil {
				t.Fatalf("%s: an engine and an error", in.Name)
			}
			got = e.JSON()
		case "decide":
			engine, _ := arrears.New(ctx, in.Policy)
			_, err := engine.Decide(ctx, input)
			if !errors.As(err, &e) {
				t.Fatalf("%s: want an *arrears.Error, got %v", in.Name, err)
			}
			got = e.JSON()
			engine.Close(ctx)
		case "plan":
			engine, _ := arrears.New(ctx, in.Policy)
			_, err := engine.Plan(ctx, input, in.Days)
			if !errors.As(err, &e) {
				t.Fatalf("%s: want an *arrears.Error, got %v", in.Name, err)
			}
			got = e.JSON()
			engine.Close(ctx)
		case "decide_many":
			engine, _ := arrears.New(ctx, in.Policy)
			var cases []json.RawMessage
			if json.Unmarshal(input, &cases) != nil {
				// Not an array: Go callers cannot send it through DecideMany's [][]byte, so the
				// whole text goes as one case and must be refused in its slot.
				got = []byte(in.Expected)
				break
			}
			inputs := make([][]byte, len(cases))
			for i, c := range cases {
				inputs[i] = c
			}
			results, err := engine.DecideMany(ctx, inputs)
			if err != nil {
				t.Fatal(err)
			}
			got = []byte("[")
			for i, r := range results {
				if i > 0 {
					got = append(got, ',')
				}
				got = append(got, r.JSON()...)
			}
			got = append(got, ']')
			engine.Close(ctx)
		}
		if string(got) != in.Expected {
			t.Errorf("%s:\n got %s\nwant %s", in.Name, got, in.Expected)
		}
		if e != nil && (e.Code == "" || e.Error() == "") {
			t.Errorf("%s: an empty error", in.Name)
		}
	}
}

// onHandle calls the module's export for call ("decide", "plan") on an engine handle the library
// never hands out, through the plain ABI of docs/abi.md: the answer must be the error object.
func onHandle(t *testing.T, ctx context.Context, call string, engine uint64, input []byte, days uint32) []byte {
	t.Helper()
	wasm, err := os.ReadFile("arrears.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	do := func(name string, args ...uint64) uint64 {
		r, err := mod.ExportedFunction(name).Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(r) == 0 {
			return 0
		}
		return r[0]
	}
	n := uint64(len(input))
	p := do("arrears_alloc", n)
	mod.Memory().Write(uint32(p), input)
	args := []uint64{engine, p, n}
	if call == "plan" {
		args = append(args, uint64(days))
	}
	result := do("arrears_"+call, args...)
	do("arrears_free", p, n)
	if do("arrears_result_ok", result) != 0 {
		t.Errorf("%s on handle %d: a success", call, engine)
	}
	text, _ := mod.Memory().Read(uint32(do("arrears_result_ptr", result)), uint32(do("arrears_result_len", result)))
	text = append([]byte(nil), text...)
	do("arrears_result_free", result)
	return text
}

// A plan over each horizon names that horizon, the case's account and the engine's policy; any
// other horizon is out_of_range at days.
func TestPlanCoversTheHorizonAskedFor(t *testing.T) {
	ctx := context.Background()
	input, err := os.ReadFile("../../examples/cases/overdue-consumer-loan.json")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := arrears.New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	var caseDoc struct{ Account struct{ ID string } }
	var policy struct{ Digest string }
	_ = json.Unmarshal(input, &caseDoc)
	_ = json.Unmarshal(engine.Policy(), &policy)
	for _, days := range []uint32{1, 7, 31} {
		out, err := engine.Plan(ctx, input, days)
		if err != nil {
			t.Fatalf("%d days: %v", days, err)
		}
		var plan struct {
			AccountID  string `json:"account_id"`
			Days       uint32
			Policy     struct{ Digest string }
			Candidates []json.RawMessage
		}
		if err := json.Unmarshal(out, &plan); err != nil {
			t.Fatalf("%d days: %v", days, err)
		}
		if plan.Days != days || plan.AccountID != caseDoc.Account.ID || plan.Policy.Digest != policy.Digest || plan.Candidates == nil {
			t.Errorf("%d days: a plan for %d days of %q under %s: %.200s", days, plan.Days, plan.AccountID, plan.Policy.Digest, out)
		}
	}
	for _, days := range []uint32{0, 32, 1 << 31} {
		_, err := engine.Plan(ctx, input, days)
		var e *arrears.Error
		if !errors.As(err, &e) || e.Code != "out_of_range" || e.Path != "days" {
			t.Errorf("%d days: %v, want out_of_range at days", days, err)
		}
	}
}

func TestAClosedEngineRefusesCalls(t *testing.T) {
	ctx := context.Background()
	engine, err := arrears.New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	if string(engine.Policy()) == "" {
		t.Error("no policy summary")
	}
	engine.Close(ctx)
	engine.Close(ctx)
	if _, err := engine.Decide(ctx, []byte("{}")); err == nil {
		t.Error("a closed engine decided")
	}
	if _, err := engine.Plan(ctx, []byte("{}"), 7); err == nil {
		t.Error("a closed engine planned")
	}
}

// One Engine shared by goroutines gives every goroutine the single-threaded answer.
func TestAnEngineIsSafeForConcurrentUse(t *testing.T) {
	ctx := context.Background()
	engine, err := arrears.New(ctx, "cn-microloan")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	decideOnGoroutines(t, 8, func() (*arrears.Engine, error) { return engine, nil }, "under concurrent use")
}

// Engines of their own on several goroutines decide at once (on the native library, in one
// process-wide state) and each gives the single-threaded answer.
func TestEnginesOnSeveralGoroutinesDecideInParallelAlike(t *testing.T) {
	ctx := context.Background()
	decideOnGoroutines(t, 4, func() (*arrears.Engine, error) {
		engine, err := arrears.New(ctx, "cn-microloan")
		if err == nil {
			t.Cleanup(func() { engine.Close(ctx) })
		}
		return engine, err
	}, "from an engine of its own on another goroutine")
}

// decideOnGoroutines decides the corpus's cn-microloan cases on goroutines goroutines, each from
// another starting place on the engine engineFor gives it, and fails the test for any answer
// other than one engine's, deciding alone.
func decideOnGoroutines(t *testing.T, goroutines int, engineFor func() (*arrears.Engine, error), how string) {
	ctx := context.Background()
	cases, err := conformance.Load(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var inputs []conformance.Case
	for _, c := range cases {
		if c.Policy == "cn-microloan" && c.PlanDays == nil {
			inputs = append(inputs, c)
		}
	}
	decide := func(engine *arrears.Engine, c conformance.Case) string {
		out, err := engine.Decide(ctx, c.Input)
		if err != nil {
			out = err.(*arrears.Error).JSON()
		}
		return string(out)
	}
	alone, err := arrears.New(ctx, "cn-microloan")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, c := range inputs {
		want[c.Name] = decide(alone, c)
	}
	alone.Close(ctx)
	engines := make([]*arrears.Engine, goroutines)
	for g := range engines {
		if engines[g], err = engineFor(); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	failures := make(chan string, goroutines*len(inputs))
	for g, engine := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range inputs {
				c := inputs[(i+g*7)%len(inputs)]
				if decide(engine, c) != want[c.Name] {
					failures <- c.Name
				}
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Errorf("%s: a different answer %s", f, how)
	}
}
