package conformance

import (
	"encoding/json"
	"strings"
	"testing"
)

const decision = `{"delinquency":{"days_past_due":23},"actions":[
 {"action":"sms","party":"borrower","channel":"m1","allowed":false,"blocked_by":[{"rule":"us.regf.1006.14h.opt_out"}]},
 {"action":"call","party":"borrower","channel":"m1","allowed":true,"blocked_by":[]},
 {"action":"call","party":"borrower","channel":"m2","allowed":true,"blocked_by":[]}],
 "next_action":{"action":"call"}}`

func claims(t *testing.T, text string) Case {
	t.Helper()
	var c Case
	c.Name = "sample"
	if err := json.Unmarshal([]byte(text), &c.Claims); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTrueClaimsHold(t *testing.T) {
	c := claims(t, `[
	 {"at":"delinquency.days_past_due","is":23},
	 {"at":"delinquency.days_past_due","is":23.0},
	 {"at":"actions[action=sms,party=borrower,channel=m1].allowed","is":false},
	 {"at":"actions[action=sms,party=borrower,channel=m1].blocked_by[*].rule","has":"us.regf.1006.14h.opt_out"},
	 {"at":"actions[action=sms,party=borrower,channel=m1].blocked_by[rule=us.regf.1006.14h.opt_out].rule","is":"us.regf.1006.14h.opt_out"},
	 {"at":"actions[action=call,party=borrower,channel=m1].blocked_by[*].rule","lacks":"us.regf.1006.14h.opt_out"},
	 {"at":"actions[2].channel","is":"m2"},
	 {"at":"next_action.action","is":"call"},
	 {"at":"error.code","lacks":"out_of_range"}]`)
	if failed := Check(c, []byte(decision)); len(failed) != 0 {
		t.Fatalf("true claims failed: %v", failed)
	}
}

func TestWrongClaimsFail(t *testing.T) {
	for _, claim := range []string{
		`{"at":"delinquency.days_past_due","is":24}`,
		`{"at":"actions[action=sms,party=borrower,channel=m1].allowed","is":true}`,
		`{"at":"actions[action=call,party=borrower].allowed","is":true}`, // two elements match
		`{"at":"actions[action=letter].allowed","is":true}`,              // none matches
		`{"at":"actions[action=sms,party=borrower,channel=m1].blocked_by[*].rule","lacks":"us.regf.1006.14h.opt_out"}`,
		`{"at":"actions[action=call,party=borrower,channel=m1].blocked_by[*].rule","has":"us.regf.1006.14h.opt_out"}`,
		`{"at":"actions[7].channel","is":"m2"}`,
		`{"at":"error.code","is":"out_of_range"}`,
		`{"at":"next_action.action"}`,
	} {
		c := claims(t, "["+claim+"]")
		failed := Check(c, []byte(decision))
		if len(failed) != 1 || !strings.HasPrefix(failed[0], "sample: ") {
			t.Errorf("claim %s: want one failure naming the case, got %v", claim, failed)
		}
	}
}

func TestJoinExpectedPutsEachProseLineInItsPlaceholder(t *testing.T) {
	got, err := JoinExpected([]byte(`{"a":"@prose","b":[{"cite":"@prose"}]}`+"\n"), []byte("a \"x y\"\nb[0].cite \"\\\"z\\\"\"\n"))
	if err != nil || string(got) != `{"a":"x y","b":[{"cite":"\"z\""}]}`+"\n" {
		t.Errorf("%s %v", got, err)
	}
	if _, err := JoinExpected([]byte(`{"a":"@prose"}`), []byte("a \"x\"\nb \"y\"\n")); err == nil {
		t.Error("a line too many must be refused")
	}
	if _, err := JoinExpected([]byte(`{"a":"@prose","b":"@prose"}`), []byte("a \"x\"\n")); err == nil {
		t.Error("a line too few must be refused")
	}
}
