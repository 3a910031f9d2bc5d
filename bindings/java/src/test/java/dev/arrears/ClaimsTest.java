package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The claims checker: true claims hold, and each kind of wrong claim fails, naming the case. */
class ClaimsTest {
    static final String DECISION = """
            {"delinquency":{"days_past_due":23},"actions":[
             {"action":"sms","party":"borrower","channel":"m1","allowed":false,"blocked_by":[{"rule":"us.regf.1006.14h.opt_out"}]},
             {"action":"call","party":"borrower","channel":"m1","allowed":true,"blocked_by":[]},
             {"action":"call","party":"borrower","channel":"m2","allowed":true,"blocked_by":[]}],
             "next_action":{"action":"call"}}""";

    @SuppressWarnings("unchecked")
    static Conformance.Case sample(String claims) {
        return new Conformance.Case("sample", "", "", "", (List<Object>) Json.parse(claims), null);
    }

    @Test
    void trueClaimsHold() {
        Conformance.Case c = sample("""
                [{"at":"delinquency.days_past_due","is":23},
                 {"at":"delinquency.days_past_due","is":23.0},
                 {"at":"actions[action=sms,party=borrower,channel=m1].allowed","is":false},
                 {"at":"actions[action=sms,party=borrower,channel=m1].blocked_by[*].rule","has":"us.regf.1006.14h.opt_out"},
                 {"at":"actions[action=sms,party=borrower,channel=m1].blocked_by[rule=us.regf.1006.14h.opt_out].rule","is":"us.regf.1006.14h.opt_out"},
                 {"at":"actions[action=call,party=borrower,channel=m1].blocked_by[*].rule","lacks":"us.regf.1006.14h.opt_out"},
                 {"at":"actions[2].channel","is":"m2"},
                 {"at":"next_action.action","is":"call"},
                 {"at":"error.code","lacks":"out_of_range"}]""");
        assertEquals(List.of(), Conformance.check(c, DECISION));
    }

    @Test
    void wrongClaimsFail() {
        for (String claim : List.of(
                "{\"at\":\"delinquency.days_past_due\",\"is\":24}",
                "{\"at\":\"actions[action=sms,party=borrower,channel=m1].allowed\",\"is\":true}",
                "{\"at\":\"actions[action=call,party=borrower].allowed\",\"is\":true}",
                "{\"at\":\"actions[action=letter].allowed\",\"is\":true}",
                "{\"at\":\"actions[action=sms,party=borrower,channel=m1].blocked_by[*].rule\",\"lacks\":\"us.regf.1006.14h.opt_out\"}",
                "{\"at\":\"actions[action=call,party=borrower,channel=m1].blocked_by[*].rule\",\"has\":\"us.regf.1006.14h.opt_out\"}",
                "{\"at\":\"actions[7].channel\",\"is\":\"m2\"}",
                "{\"at\":\"error.code\",\"is\":\"out_of_range\"}",
                "{\"at\":\"next_action.action\"}")) {
            List<String> failed = Conformance.check(sample("[" + claim + "]"), DECISION);
            assertEquals(1, failed.size(), claim);
            assertTrue(failed.get(0).startsWith("sample: "), failed.get(0));
        }
    }
}
