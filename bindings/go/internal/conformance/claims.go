package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Check verifies a case's claims against its output; it returns one message per failed claim,
// naming the case, the path and what was found.
func Check(c Case, output []byte) []string {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(output))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return []string{fmt.Sprintf("%s: output is not JSON: %v", c.Name, err)}
	}
	var failed []string
	for _, claim := range c.Claims {
		if why := checkClaim(claim, doc); why != "" {
			failed = append(failed, fmt.Sprintf("%s: %s: %s", c.Name, claim.At, why))
		}
	}
	return failed
}

func decode(raw json.RawMessage) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	err := dec.Decode(&v)
	return v, err
}

// segments splits a path on the dots outside brackets: selector values are rule ids, which hold
// dots.
func segments(path string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range path {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			out = append(out, path[start:i])
			start = i + 1
		}
	}
	return append(out, path[start:])
}

func checkClaim(claim Claim, doc any) string {
	found, resolved, why := resolve(doc, segments(claim.At))
	switch {
	case claim.Is != nil:
		want, err := decode(claim.Is)
		if err != nil {
			return "unreadable \"is\" value"
		}
		if !resolved {
			return "does not resolve: " + why
		}
		if !equal(found, want) {
			return fmt.Sprintf("is %s, the claim says %s", show(found), claim.Is)
		}
	case claim.Has != nil || claim.Lacks != nil:
		raw, lacks := claim.Has, false
		if raw == nil {
			raw, lacks = claim.Lacks, true
		}
		want, err := decode(raw)
		if err != nil {
			return "unreadable value"
		}
		if !resolved {
			if lacks {
				return ""
			}
			return "does not resolve: " + why
		}
		list, isList := found.([]any)
		if !isList {
			return fmt.Sprintf("is %s, not a list", show(found))
		}
		contains := false
		for _, v := range list {
			contains = contains || equal(v, want)
		}
		if contains == lacks {
			return fmt.Sprintf("the list %s %s %s", show(found), map[bool]string{true: "contains", false: "lacks"}[contains], raw)
		}
	default:
		return "a claim needs \"is\", \"has\" or \"lacks\""
	}
	return ""
}

// resolve follows a path: `name`, `name[k=v,...]` (the one element whose fields match),
// `name[*]` (the rest of the path over every element) and `name[3]`.
func resolve(v any, segments []string) (any, bool, string) {
	if len(segments) == 0 {
		return v, true, ""
	}
	seg := segments[0]
	name, selector, indexed := seg, "", false
	if open := strings.IndexByte(seg, '['); open >= 0 && strings.HasSuffix(seg, "]") {
		name, selector, indexed = seg[:open], seg[open+1:len(seg)-1], true
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return nil, false, fmt.Sprintf("%s: %s is not an object", seg, show(v))
	}
	field, present := obj[name]
	if !present {
		return nil, false, fmt.Sprintf("no field %q", name)
	}
	if !indexed {
		return resolve(field, segments[1:])
	}
	list, isList := field.([]any)
	if !isList {
		return nil, false, fmt.Sprintf("%s is %s, not a list", name, show(field))
	}
	if selector == "*" {
		out := []any{}
		for _, el := range list {
			if r, ok, _ := resolve(el, segments[1:]); ok {
				out = append(out, r)
			}
		}
		return out, true, ""
	}
	if n, ok := new(big.Int).SetString(selector, 10); ok {
		if !n.IsInt64() || n.Int64() < 0 || n.Int64() >= int64(len(list)) {
			return nil, false, fmt.Sprintf("%s has %d elements, no [%s]", name, len(list), selector)
		}
		return resolve(list[n.Int64()], segments[1:])
	}
	var matches []any
	for _, el := range list {
		if matchesAll(el, selector) {
			matches = append(matches, el)
		}
	}
	if len(matches) != 1 {
		return nil, false, fmt.Sprintf("%d elements of %s match [%s]", len(matches), name, selector)
	}
	return resolve(matches[0], segments[1:])
}

func matchesAll(el any, selector string) bool {
	obj, ok := el.(map[string]any)
	if !ok {
		return false
	}
	for _, cond := range strings.Split(selector, ",") {
		k, want, ok := strings.Cut(cond, "=")
		if !ok {
			return false
		}
		field, present := obj[k]
		if !present {
			return false
		}
		text, isString := field.(string)
		if !isString {
			text = show(field)
		}
		if text != want {
			return false
		}
	}
	return true
}

// equal is JSON deep equality; numbers compare by value (23 equals 23.0).
func equal(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		p, ok1 := new(big.Rat).SetString(string(x))
		q, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && p.Cmp(q) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, present := y[k]
			if !present || !equal(v, w) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func show(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}
