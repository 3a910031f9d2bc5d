// Package conformance runs the shared conformance corpus (tests/conformance) through a decide
// function (or, for a plan case, a plan function): each case's output must equal its expected
// output byte for byte (expected.json and expected.prose joined), and the claims its meta.json
// states under "expect" must hold.
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
	Claims   []Claim
	// PlanDays is meta.json's "plan_days": set, the case is a plan over that many days, not a
	// decision.
	PlanDays *uint32
}

// Claim is one entry of meta.json's "expect": a path and one check (is, has or lacks).
type Claim struct {
	At    string          `json:"at"`
	Is    json.RawMessage `json:"is"`
	Has   json.RawMessage `json:"has"`
	Lacks json.RawMessage `json:"lacks"`
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
			Expect   []Claim `json:"expect"`
			PlanDays *uint32 `json:"plan_days"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, "meta.json"))
		if err == nil {
			err = json.Unmarshal(raw, &meta)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: meta.json: %w", c.Name, err)
		}
		c.Claims = meta.Expect
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

// Compare says why an output differs from a case's expected bytes ("" when identical). Where
// expected.json holds "digest":"@digest", the output's real digest is checked against
// digests.json (when root has one) and then stands in as @digest for the byte comparison.
func Compare(root string, c Case, output []byte) string {
	want := bytes.TrimSuffix(c.Expected, []byte("\n"))
	if bytes.Contains(want, []byte(`"digest":"@digest"`)) {
		if d := digest.Find(output); d != nil {
			if why := checkDigest(root, c, d, output); why != "" {
				return why
			}
		}
		output = digest.ReplaceAll(output, []byte(`"digest":"@digest"`))
	}
	if !bytes.Equal(output, want) {
		return "output differs from expected.json"
	}
	return ""
}

func checkDigest(root string, c Case, found, output []byte) string {
	raw, err := os.ReadFile(filepath.Join(root, "digests.json"))
	if err != nil {
		return ""
	}
	// A policy maps to its digest, or (a file of dated versions) to one digest per version.
	var digests map[string]json.RawMessage
	if json.Unmarshal(raw, &digests) != nil {
		return "digests.json is not a JSON object"
	}
	var meta struct{ Policy string }
	metaRaw, _ := os.ReadFile(filepath.Join(root, "cases", c.Name, "meta.json"))
	_ = json.Unmarshal(metaRaw, &meta)
	entry, known := digests[meta.Policy]
	var want string
	if known && json.Unmarshal(entry, &want) != nil {
		var byVersion map[string]string
		var decision struct{ Policy struct{ Version string } }
		_ = json.Unmarshal(output, &decision)
		if json.Unmarshal(entry, &byVersion) != nil {
			return "digests.json entry for " + meta.Policy + " is neither a digest nor one per version"
		}
		want, known = byVersion[decision.Policy.Version]
	}
	got := strings.TrimSuffix(strings.TrimPrefix(string(found), `"digest":"`), `"`)
	if known && want != got {
		return fmt.Sprintf("digest %s, digests.json says %s", got, want)
	}
	return ""
}

// Report is the conformance line every surface prints for scripts/conformance.sh.
type Report struct {
	Surface   string   `json:"surface"`
	Cases     int      `json:"cases"`
	Identical int      `json:"identical"`
	Differ    []string `json:"differ"`
	// Claims counts the claims checked; FailedClaims names each that failed ("case: why").
	Claims       int      `json:"claims"`
	FailedClaims []string `json:"failed_claims"`
}
