package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestTheHandlerDecidesAndRefuses(t *testing.T) {
	decisions := NewDecisions()
	defer decisions.Close(context.Background())
	mux := http.NewServeMux()
	mux.Handle("/decide", decisions)
	mux.Handle("/decide-many", decisions)
	server := httptest.NewServer(mux)
	defer server.Close()

	sample, err := os.ReadFile("../cases/overdue-consumer-loan.json")
	if err != nil {
		t.Fatal(err)
	}
	// The corpus's expected bytes for the same case under the same pack.
	status, body := post(t, server.URL+"/decide?policy=cn-microloan", string(sample))
	var decision struct {
		AccountID  string                                   `json:"account_id"`
		NextAction *struct{ Action, Party, Channel string } `json:"next_action"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &decision) != nil {
		t.Fatalf("decide: %d %s", status, body)
	}
	if decision.AccountID != "L-1001" || decision.NextAction == nil || decision.NextAction.Action != "call" {
		t.Errorf("unexpected decision: %s", body)
	}

	status, body = post(t, server.URL+"/decide?policy=cn-microloan", `{"as_of": 5}`)
	if status != http.StatusUnprocessableEntity || !strings.HasPrefix(body, `{"error":{"code":"`) {
		t.Errorf("a bad case: %d %s", status, body)
	}
	status, body = post(t, server.URL+"/decide?policy=xx-nowhere", string(sample))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"unknown_policy"`) {
		t.Errorf("an unknown policy: %d %s", status, body)
	}

	status, body = post(t, server.URL+"/decide-many?policy=us-reg-f", "["+string(sample)+",{}]")
	var results []json.RawMessage
	if status != http.StatusOK || json.Unmarshal([]byte(body), &results) != nil || len(results) != 2 {
		t.Fatalf("decide-many: %d %s", status, body)
	}
	if !strings.Contains(string(results[0]), `"account_id":"L-1001"`) || !strings.HasPrefix(string(results[1]), `{"error":`) {
		t.Errorf("decide-many slots: %s", body)
	}

	status, body = post(t, server.URL+"/decide?policy=cn-microloan", `{"extensions":"`+strings.Repeat("x", maxCase)+`"}`)
	var refused struct {
		Error struct{ Code, Path, Message string } `json:"error"`
	}
	if status != http.StatusRequestEntityTooLarge || json.Unmarshal([]byte(body), &refused) != nil ||
		refused.Error.Code != "limit_exceeded" || refused.Error.Path != "" || refused.Error.Message == "" {
		t.Errorf("an oversized body must be the error object: %d %.200s", status, body)
	}

	if resp, err := http.Get(server.URL + "/decide"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET must be refused")
	}
}
