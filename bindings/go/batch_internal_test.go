package arrears

import (
	"context"
	"strings"
	"testing"
)

// The module's batch export itself, below DecideMany (which never sends a batch the module
// refuses): an empty batch and one over the case limit.
func TestTheBatchExportAnswersAnEmptyBatchAndRefusesOneOverTheLimit(t *testing.T) {
	ctx := context.Background()
	engine, err := New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	results, err := engine.decideBatch(ctx, nil, 0)
	if err != nil || len(results) != 0 {
		t.Fatalf("an empty batch: %v, %d results", err, len(results))
	}
	over := make([][]byte, 4097)
	for i := range over {
		over[i] = []byte("{}")
	}
	_, err = engine.decideBatch(ctx, over, 6*len(over))
	e, ok := err.(*Error)
	if !ok || e.Code != "limit_exceeded" || !strings.Contains(e.Message, "4096") {
		t.Fatalf("a batch of 4,097 cases: %v", err)
	}
	if _, err := engine.decideBatch(ctx, over[:4096], 6*4096); err != nil {
		t.Fatalf("a batch of 4,096 cases: %v", err)
	}
}
