package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FineractTest {
    static final Path FIXTURES =
            Path.of(System.getProperty("arrears.fineract", "../../core/tests/fixtures/fineract"));

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    /** A decimal such as "1033.3" in minor units of a two-place currency. */
    private static long cents(Object decimal) {
        return new BigDecimal((String) decimal).movePointRight(2).longValueExact();
    }

    private static long number(Object value) {
        return ((BigDecimal) value).longValueExact();
    }

    @Test
    void everyFixtureGivesFineractsDelinquentDaysAndAmounts() throws Exception {
        List<Path> dirs;
        try (Stream<Path> listing = Files.list(FIXTURES)) {
            dirs = listing.filter(d -> Files.isRegularFile(d.resolve("loan.json"))).sorted().toList();
        }
        assertTrue(dirs.size() >= 20, "only " + dirs.size() + " Fineract fixtures");
        List<String> failures = new ArrayList<>();
        try (Engine engine = Engine.of("us-reg-f")) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                Map<String, Object> meta = object(Json.parse(Files.readString(dir.resolve("meta.json"))));
                Map<String, Object> expected = object(meta.get("expected"));
                String caseJson = engine.importFineract(
                        Files.readString(dir.resolve("loan.json")),
                        (String) meta.get("business_date"),
                        (String) meta.get("time_zone"));
                Map<String, Object> d = object(object(Json.parse(engine.decide(caseJson))).get("delinquency"));
                long days = number(expected.get("delinquent_days"));
                if (number(d.get("days_past_due")) != days) {
                    failures.add(name + ": days past due " + d.get("days_past_due") + ", Fineract says " + days);
                }
                long amount = cents(expected.get("delinquent_amount"));
                if (number(d.get("overdue_amount")) != amount) {
                    failures.add(name + ": overdue " + d.get("overdue_amount") + ", Fineract says " + amount);
                }
                if (expected.get("delinquent_components") != null) {
                    Map<String, Object> got = object(d.get("overdue_components"));
                    object(expected.get("delinquent_components")).forEach((part, want) -> {
                        if (got == null || number(got.get(part)) != cents(want)) {
                            failures.add(name + ": overdue " + part + " " + (got == null ? null : got.get(part))
                                    + ", Fineract says " + cents(want));
                        }
                    });
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void badInputIsAnErrorWithThePathIntoTheLoan() throws Exception {
        String loan = Files.readString(FIXTURES.resolve("pause-ended/loan.json"));
        String marker = "\"interestOutstanding\"";
        // Period 2's interest outstanding written as a European decimal: the second occurrence of
        // the key, as the disbursement period 0 carries none.
        int at = -1;
        for (int i = 0; i < 2; i++) {
            at = loan.indexOf(marker, at + 1);
        }
        int colon = loan.indexOf(':', at);
        int end = colon + 1;
        while (",}\n".indexOf(loan.charAt(end)) < 0) {
            end++;
        }
        String bad = loan.substring(0, colon + 1) + " \"12,5\"" + loan.substring(end);
        try (Engine engine = Engine.of("us-reg-f")) {
            ArrearsException e = assertThrows(
                    ArrearsException.class, () -> engine.importFineract(bad, "2012-03-12", "UTC"));
            assertEquals("invalid_field", e.code());
            assertEquals("repaymentSchedule.periods[2].interestOutstanding", e.path());
            e = assertThrows(ArrearsException.class, () -> engine.importFineract(loan, "12 March 2012", "UTC"));
            assertEquals("business_date", e.path());
            e = assertThrows(ArrearsException.class, () -> engine.importFineract(loan, "2012-03-12", "Mars/Olympus"));
            assertEquals("time_zone", e.path());
            e = assertThrows(ArrearsException.class, () -> engine.importFineract("[1", "2012-03-12", "UTC"));
            assertEquals("invalid_json", e.code());
        }
    }
}
