package conformance

import "testing"

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
