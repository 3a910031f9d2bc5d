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

// DecideMany's chunks: small cases go many to a call, up to 64 KiB of records; a larger case
// goes alone (the stop-the-world wait of a garbage collection lasts as long as a call into
// wazero); a case too large for any batch is marked to be decided on its own.
func TestDecideManyChunksCasesByTheBytesOfTheirText(t *testing.T) {
	small := make([]byte, 3_200-4) // a 20-event case is about 3.2 KB
	large := make([]byte, 200_000) // a 2,000-event case is about 250 KB
	var cases [][]byte
	for i := 0; i < 40; i++ {
		cases = append(cases, small)
	}
	cases = append(cases, large, small)
	var chunks [][2]int
	for start := 0; start < len(cases); {
		end, size := nextChunk(cases, start, chunkCases, chunkBytes)
		chunks = append(chunks, [2]int{end - start, size})
		start = end
	}
	want := [][2]int{{20, 64_000}, {20, 64_000}, {1, 200_004}, {1, 3_200}}
	if len(chunks) != len(want) {
		t.Fatalf("chunks (cases, bytes) %v, want %v", chunks, want)
	}
	for i := range want {
		if chunks[i] != want[i] {
			t.Fatalf("chunks (cases, bytes) %v, want %v", chunks, want)
		}
	}
	tiny := make([][]byte, 300)
	for i := range tiny {
		tiny[i] = []byte("{}")
	}
	if end, size := nextChunk(tiny, 0, chunkCases, chunkBytes); end != chunkCases || size != 6*chunkCases {
		t.Fatalf("300 tiny cases: the first chunk holds %d (%d bytes), want %d", end, size, chunkCases)
	}
}

// With several workers a batch is cut so that each gets about four chunks, and no chunk is larger
// than one worker alone would send.
func TestABatchOverSeveralWorkersIsCutIntoAboutFourChunksEach(t *testing.T) {
	cases := make([][]byte, 64)
	for i := range cases {
		cases[i] = make([]byte, 3_200-4)
	}
	one := chunksOf(cases, 1)
	if len(one) != 4 || one[0].end != 20 {
		t.Fatalf("one worker: %v", one)
	}
	two := chunksOf(cases, 2)
	if len(two) != 8 {
		t.Fatalf("two workers: %d chunks %v, want 8", len(two), two)
	}
	covered := 0
	for i, c := range two {
		if c.start != covered || c.end-c.start != 8 || c.size != 8*3_200 {
			t.Fatalf("two workers, chunk %d: %v", i, c)
		}
		covered = c.end
	}
	if covered != len(cases) {
		t.Fatalf("two workers cover %d of %d cases", covered, len(cases))
	}
	if few := chunksOf(cases[:3], 8); len(few) != 3 {
		t.Fatalf("three cases over eight workers: %v", few)
	}
}
