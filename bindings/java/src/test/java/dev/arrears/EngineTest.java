package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EngineTest {
    @Test
    void theWholeCorpusIsByteIdenticalAndItsClaimsHold() throws Exception {
        List<Conformance.Case> cases = Conformance.load(Conformance.CORPUS);
        assertTrue(cases.size() > 100, "the corpus has " + cases.size() + " cases");
        Map<String, Engine> engines = Conformance.engines();
        List<String> failures = new ArrayList<>();
        int claims = 0;
        for (Conformance.Case c : cases) {
            String out = Conformance.answer(engines, c);
            String why = Conformance.compare(Conformance.CORPUS, c, out);
            if (why != null) {
                failures.add(c.name() + ": " + why);
            }
            failures.addAll(Conformance.check(c, out));
            claims += c.claims().size();
        }
        engines.values().forEach(Engine::close);
        assertEquals(List.of(), failures);
        System.out.printf("corpus: %d cases byte-identical, %d claims hold%n", cases.size(), claims);
    }

    @Test
    void badInputsGiveTheNativeErrorObjects() throws Exception {
        String file = Conformance.read(Path.of(System.getProperty("arrears.badInputs", "../../tests/abi/bad-inputs.json")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(file)).get("inputs");
        for (Map<String, Object> in : inputs) {
            byte[] input = in.containsKey("input_hex")
                    ? HexFormat.of().parseHex((String) in.get("input_hex"))
                    : ((String) in.get("input")).getBytes(StandardCharsets.UTF_8);
            String name = (String) in.get("name");
            String got;
            switch ((String) in.get("call")) {
                case "engine" -> {
                    // A policy is a String in Java; bytes that are not UTF-8 cannot be one.
                    if (in.containsKey("input_hex")) {
                        continue;
                    }
                    got = assertThrows(ArrearsException.class, () -> Engine.of(new String(input, StandardCharsets.UTF_8)), name).toJson();
                }
                case "decide" -> {
                    try (Engine engine = Engine.of((String) in.get("policy"))) {
                        ArrearsException e = assertThrows(ArrearsException.class, () -> engine.decide(input), name);
                        assertFalse(e.code().isEmpty(), name);
                        got = e.toJson();
                    }
                }
                default -> {
                    try (Engine engine = Engine.of((String) in.get("policy"))) {
                        String text = new String(input, StandardCharsets.UTF_8);
                        if (!text.startsWith("[")) {
                            // decideMany takes a List; the not-an-array case cannot be expressed.
                            continue;
                        }
                        got = "[" + String.join(",", engine.decideMany(Json.elements(text))) + "]";
                    }
                }
            }
            assertEquals(in.get("expected"), got, name);
        }
    }

    @Test
    void decideManyGivesWhatDecideGivesSlotBySlot() throws Exception {
        List<String> inputs = new ArrayList<>(List.of("{", "[]", "\ud800"));
        for (Conformance.Case c : Conformance.load(Conformance.CORPUS)) {
            if (c.policy().equals("us-reg-f")) {
                inputs.add(c.input());
            }
        }
        try (Engine engine = Engine.of("us-reg-f")) {
            List<String> results = engine.decideMany(inputs);
            assertEquals(inputs.size(), results.size());
            for (int i = 0; i < inputs.size(); i++) {
                String want;
                try {
                    want = engine.decide(inputs.get(i));
                } catch (ArrearsException e) {
                    want = e.toJson();
                }
                assertEquals(want, results.get(i), "slot " + i);
            }
            assertTrue(results.get(0).startsWith("{\"error\""));
            assertEquals(List.of(), engine.decideMany(List.of()));
        }
    }

    @Test
    void anErrorCarriesCodePathAndMessage() {
        try (Engine engine = Engine.of("cn-microloan")) {
            ArrearsException e = assertThrows(ArrearsException.class, () -> engine.decide("{\"as_of\": 5}"));
            assertFalse(e.code().isEmpty());
            assertNull(null);
            assertTrue(e.toJson().contains("\"code\":\"" + e.code() + "\""));
            assertTrue(e.toJson().contains("\"path\":\"" + e.path() + "\""));
        }
        ArrearsException unknown = assertThrows(ArrearsException.class, () -> Engine.of("xx-nowhere"));
        assertEquals("unknown_policy", unknown.code());
        assertEquals("policy", unknown.path());
    }

    @Test
    void aClosedEngineRefusesCalls() {
        Engine engine = Engine.of("us-reg-f");
        assertTrue(engine.policy().contains("\"id\":\"us-reg-f\""));
        engine.close();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.decide("{}"));
    }

    /** One engine shared by eight threads gives each the single-threaded answers. */
    @Test
    void anEngineIsSafeToShareBetweenThreads() throws Exception {
        List<Conformance.Case> cases = new ArrayList<>();
        for (Conformance.Case c : Conformance.load(Conformance.CORPUS)) {
            if (c.policy().equals("cn-microloan")) {
                cases.add(c);
            }
        }
        try (Engine engine = Engine.of("cn-microloan")) {
            Map<String, Engine> one = Map.of("cn-microloan", engine);
            List<String> want = cases.stream().map(c -> Conformance.answer(new java.util.HashMap<>(one), c)).toList();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<String>>> runs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int shift = t * 7;
                    runs.add(pool.submit(() -> {
                        List<String> wrong = new ArrayList<>();
                        for (int i = 0; i < cases.size(); i++) {
                            int k = (i + shift) % cases.size();
                            if (!Conformance.answer(new java.util.HashMap<>(one), cases.get(k)).equals(want.get(k))) {
                                wrong.add(cases.get(k).name());
                            }
                        }
                        return wrong;
                    }));
                }
                for (Future<List<String>> run : runs) {
                    assertEquals(List.of(), run.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
