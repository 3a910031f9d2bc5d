// Package conformance reads the shared conformance corpus (tests/conformance) for the Go
// library's runner and tests: each case's output must equal its expected output byte for byte
// (expected.json and expected.prose joined, the policy digest masked). The digests and the claims
// of meta.json are checked by the one checker, `arrears corpus check`, over the runner's outputs
// (Output).
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Case is one corpus directory, read.
type Case struct {
	Name     string
	Policy   string // a pack id, or the text of the policy file the case names
	Input    []byte
	Expected []byte
	// PlanDays is meta.json's "plan_days": set, the case is a plan over that many days, not a
	// decision.
	PlanDays *uint32
}

// Load reads every case under root/cases, sorted by name.
func Load(root string) ([]Case, error) {
	dirs, err := os.ReadDir(filepath.Join(root, "cases"))
	if err != nil {
		return nil, err
	}
	var cases []Case
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(root, "cases", d.Name())
		c := Case{Name: d.Name()}
		var meta struct {
			Policy   string  `json:"policy"`
			PlanDays *uint32 `json:"plan_days"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, "meta.json"))
		if err == nil {
			err = json.Unmarshal(raw, &meta)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: meta.json: %w", c.Name, err)
		}
		c.PlanDays = meta.PlanDays
		c.Policy = meta.Policy
		if strings.HasSuffix(meta.Policy, ".json") {
			text, err := os.ReadFile(filepath.Join(root, meta.Policy))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Name, err)
			}
			c.Policy = string(text)
		}
		if c.Input, err = os.ReadFile(filepath.Join(dir, "case.json")); err != nil {
			return nil, err
		}
		verdict, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			return nil, err
		}
		prose, err := os.ReadFile(filepath.Join(dir, "expected.prose"))
		if err != nil {
			return nil, err
		}
		if c.Expected, err = JoinExpected(verdict, prose); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, nil
}

// JoinExpected is a case's expected output (digest masked, with its newline) from its two
// expected files: each "@prose" of expected.json, in order, replaced by the text after the first
// space of the next line of expected.prose (docs/conformance.md).
func JoinExpected(verdict, prose []byte) ([]byte, error) {
	var texts [][]byte
	for _, line := range bytes.Split(prose, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if _, text, ok := bytes.Cut(line, []byte(" ")); ok {
			texts = append(texts, text)
		} else {
			texts = append(texts, nil)
		}
	}
	parts := bytes.Split(verdict, []byte(`"@prose"`))
	if len(parts) != len(texts)+1 {
		return nil, fmt.Errorf("expected.json has %d prose strings, expected.prose %d lines", len(parts)-1, len(texts))
	}
	var out []byte
	for i, part := range parts {
		out = append(out, part...)
		if i < len(texts) {
			out = append(out, texts[i]...)
		}
	}
	return out, nil
}

var digest = regexp.MustCompile(`"digest":"sha256:[0-9a-f]{64}"`)

// Compare says why an output differs from a case's expected bytes ("" when identical): the
// output's policy digest is written "@digest", as expected.json stores it.
func Compare(c Case, output []byte) string {
	masked := digest.ReplaceAll(output, []byte(`"digest":"@digest"`))
	if !bytes.Equal(append(masked, '\n'), c.Expected) {
		return "output differs from expected.json"
	}
	return ""
}

// Output is one line of a runner's outputs, as `arrears corpus check` reads them.
type Output struct {
	Surface string `json:"surface"`
	Case    string `json:"case"`
	Output  string `json:"output"`
}
