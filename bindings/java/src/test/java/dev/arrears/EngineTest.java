package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

// The bad inputs first: on the native library, before this JVM's count of handles passes those
// the recorded inputs name (see neverIssued).
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineTest {
    @Test
    void theWholeCorpusIsByteIdentical() throws Exception {
        List<Conformance.Case> cases = Conformance.load(Conformance.CORPUS);
        assertTrue(cases.size() > 100, "the corpus has " + cases.size() + " cases");
        Map<String, Engine> engines = Conformance.engines();
        List<String> failures = new ArrayList<>();
        for (Conformance.Case c : cases) {
            String why = Conformance.compare(c, Conformance.answer(engines, c));
            if (why != null) {
                failures.add(c.name() + ": " + why);
            }
        }
        engines.values().forEach(Engine::close);
        assertEquals(List.of(), failures);
        System.out.printf("corpus: %d cases byte-identical%n", cases.size());
    }

    @Test
    @Order(1)
    void badInputsGiveTheNativeErrorObjects() throws Exception {
        String file = Conformance.read(Path.of(System.getProperty("arrears.badInputs", "../../tests/abi/bad-inputs.json")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(file)).get("inputs");
        for (Map<String, Object> in : inputs) {
            byte[] input = in.containsKey("input_hex")
                    ? HexFormat.of().parseHex((String) in.get("input_hex"))
                    : ((String) in.get("input")).getBytes(StandardCharsets.UTF_8);
            String name = (String) in.get("name");
            int days = in.get("days") instanceof java.math.BigDecimal d ? d.intValueExact() : 0;
            String got;
            if (in.containsKey("engine_handle")) {
                int handle = ((java.math.BigDecimal) in.get("engine_handle")).intValueExact();
                if (!neverIssued(handle)) {
                    // The native library's handles are counted for the whole process; in this JVM
                    // the count has passed this one, which may now name an engine.
                    System.out.printf("bad inputs: %s not checked, handle %d was issued in this process%n", name, handle);
                    continue;
                }
                assertEquals(in.get("expected"), onHandle((String) in.get("call"), handle, input, days), name);
                continue;
            }
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
                case "plan" -> {
                    try (Engine engine = Engine.of((String) in.get("policy"))) {
                        ArrearsException e = assertThrows(ArrearsException.class, () -> engine.plan(input, days), name);
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
                        got = "[" + String.join(",", engine.decideMany(Json.elements(text)).stream().map(Result::json).toList()) + "]";
                    }
                }
            }
            assertEquals(in.get("expected"), got, name);
        }
    }

    /**
     * Whether no call has yet been given {@code handle}: handles are counted up and never reused,
     * so one newer than a fresh result's is unissued. Always so for a fresh WebAssembly instance;
     * the native library's count is the process's.
     */
    private static boolean neverIssued(int handle) {
        try (Engine engine = Engine.of("cn-microloan")) {
            Abi abi = engine.abi();
            int fresh = abi.decide(0, 0, 0);
            abi.resultFree(fresh);
            return Integer.compareUnsigned(fresh, handle) < 0;
        }
    }

    /**
     * Calls the export for {@code call} ("decide", "plan") on an engine handle the library never
     * hands out, through the plain ABI of docs/abi.md on the runtime in use: the answer must be
     * the error object.
     */
    private static String onHandle(String call, int handle, byte[] input, int days) {
        try (Engine engine = Engine.of("cn-microloan")) {
            Abi abi = engine.abi();
            long ptr = abi.alloc(input.length);
            abi.write(ptr, input);
            int result = call.equals("plan") ? abi.plan(handle, ptr, input.length, days) : abi.decide(handle, ptr, input.length);
            abi.free(ptr, input.length);
            assertFalse(abi.resultOk(result), call + " on handle " + handle);
            String text = new String(abi.read(abi.resultPtr(result), abi.resultLen(result)), StandardCharsets.UTF_8);
            abi.resultFree(result);
            return text;
        }
    }

    /** A plan over each horizon names that horizon, the case's account and the engine's policy. */
    @Test
    void aPlanCoversTheHorizonAskedFor() throws Exception {
        String input = Conformance.read(Path.of("../../examples/cases/overdue-consumer-loan.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> account = (Map<String, Object>) ((Map<String, Object>) Json.parse(input)).get("account");
        try (Engine engine = Engine.of("us-reg-f")) {
            Object digest = ((Map<?, ?>) Json.parse(engine.policy())).get("digest");
            for (int days : new int[] {1, 7, 31}) {
                @SuppressWarnings("unchecked")
                Map<String, Object> plan = (Map<String, Object>) Json.parse(engine.plan(input, days));
                String what = days + " days: " + plan;
                assertEquals(String.valueOf(days), String.valueOf(plan.get("days")), what);
                assertEquals(account.get("id"), plan.get("account_id"), what);
                assertEquals(digest, ((Map<?, ?>) plan.get("policy")).get("digest"), what);
                assertTrue(plan.get("candidates") instanceof List<?>, what);
            }
            for (int days : new int[] {0, 32, -1}) {
                ArrearsException e = assertThrows(ArrearsException.class, () -> engine.plan(input, days), days + " days");
                assertEquals("out_of_range", e.code());
                assertEquals("days", e.path());
            }
        }
    }

    /** What {@link Engine#decide(String)} gives for a case, as a slot of decideMany holds it. */
    private static String alone(Engine engine, String input) {
        try {
            return engine.decide(input);
        } catch (ArrearsException e) {
            return e.toJson();
        }
    }

    @Test
    void decideManyGivesTheBytesOfDecideOverTheWholeCorpus() throws Exception {
        Map<String, List<String>> byPolicy = new java.util.TreeMap<>();
        for (Conformance.Case c : Conformance.load(Conformance.CORPUS)) {
            if (c.planDays() == null) {
                byPolicy.computeIfAbsent(c.policy(), p -> new ArrayList<>()).add(c.input());
            }
        }
        int checked = 0;
        for (Map.Entry<String, List<String>> group : byPolicy.entrySet()) {
            Engine engine;
            try {
                engine = Engine.of(group.getKey());
            } catch (ArrearsException policyUnderTest) {
                continue; // the policy itself is the error under test: no engine to batch on
            }
            try (engine) {
                List<String> inputs = group.getValue();
                List<Result> results = engine.decideMany(inputs);
                assertEquals(inputs.size(), results.size());
                for (int i = 0; i < inputs.size(); i++) {
                    assertEquals(alone(engine, inputs.get(i)), results.get(i).json(), "slot " + i);
                    assertEquals(results.get(i).json().startsWith("{\"error\""), results.get(i).isError(), "slot " + i);
                }
                checked += inputs.size();
            }
        }
        assertTrue(checked > 100, "only " + checked + " corpus cases were batched");
    }

    @Test
    void aBadCaseInTheMiddleIsAnErrorInItsSlotAndTheRestAreDecided() throws Exception {
        String sample = Conformance.read(Path.of("../../examples/cases/overdue-consumer-loan.json"));
        List<String> inputs = List.of(sample, "{", "\ud800", "", "[]", "{\"as_of\":\"2026-03-10T14:30:00\"}", sample);
        try (Engine engine = Engine.of("cn-microloan")) {
            List<Result> results = engine.decideMany(inputs);
            assertEquals(inputs.size(), results.size());
            for (int i = 0; i < inputs.size(); i++) {
                Result r = results.get(i);
                String input = inputs.get(i);
                assertEquals(alone(engine, input), r.json(), "slot " + i);
                boolean bad = i > 0 && i < inputs.size() - 1;
                assertEquals(bad, r.isError(), "slot " + i);
                if (bad) {
                    // The error as decide throws it: its code and path, and decision() throws it.
                    ArrearsException thrown = assertThrows(ArrearsException.class, () -> engine.decide(input));
                    assertEquals(thrown.code(), r.error().code(), "slot " + i);
                    assertEquals(thrown.path(), r.error().path(), "slot " + i);
                    assertSame(r.error(), assertThrows(ArrearsException.class, r::decision), "slot " + i);
                } else {
                    assertNull(r.error(), "slot " + i);
                    assertEquals(engine.decide(input), r.decision(), "slot " + i);
                }
            }
        }
    }

    @Test
    void decideManyGivesTheSameSlotsOnAnyNumberOfWorkers() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (Conformance.Case c : Conformance.load(Conformance.CORPUS)) {
            if (c.policy().equals("cn-microloan") && c.planDays() == null) {
                inputs.add(c.input());
                inputs.add("{");
            }
        }
        assertTrue(inputs.size() >= 40, "only " + inputs.size() + " inputs");
        Engine engine = Engine.of("cn-microloan");
        List<String> want = new ArrayList<>();
        for (String input : inputs) {
            want.add(alone(engine, input));
        }
        // The last: more workers than cases, on the first five.
        for (int[] run : new int[][] {{1, inputs.size()}, {2, inputs.size()}, {3, inputs.size()}, {7, inputs.size()}, {9, 5}}) {
            int workers = run[0];
            engine.setBatchWorkers(workers);
            assertEquals(workers, engine.batchWorkers());
            List<String> got = engine.decideMany(inputs.subList(0, run[1])).stream().map(Result::json).toList();
            assertEquals(want.subList(0, run[1]), got, workers + " workers");
        }
        engine.setBatchWorkers(0);
        assertEquals(Runtime.getRuntime().availableProcessors(), engine.batchWorkers());
        engine.close();
        engine.setBatchWorkers(3);
        assertThrows(IllegalStateException.class, () -> engine.decideMany(inputs));
    }

    @Test
    void aBatchOverSeveralWorkersIsCutIntoAboutFourRunsEach() {
        byte[][] cases = new byte[64][];
        java.util.Arrays.fill(cases, new byte[3_196]);
        assertEquals(1, Engine.chunksOf(cases, 1).length);
        int[][] two = Engine.chunksOf(cases, 2);
        assertEquals(8, two.length);
        for (int i = 0; i < two.length; i++) {
            assertArrayEquals(new int[] {8 * i, 8 * i + 8, 8 * 3_200}, two[i], "run " + i);
        }
        assertEquals(3, Engine.chunksOf(java.util.Arrays.copyOf(cases, 3), 8).length);
    }

    @Test
    void anEmptyBatchIsAnEmptyAnswer() {
        try (Engine engine = Engine.of("us-reg-f")) {
            assertEquals(List.of(), engine.decideMany(List.of()));
        }
    }

    @Test
    void moreCasesThanOneBatchHoldsAreSentInSeveral() {
        // More than the module's 4,096 cases per batch, each refused quickly: the library must
        // split them, never send a batch the module refuses as a whole.
        List<String> inputs = new ArrayList<>(java.util.Collections.nCopies(4096, "{}"));
        inputs.add("[");
        try (Engine engine = Engine.of("us-reg-f")) {
            List<Result> results = engine.decideMany(inputs);
            assertEquals(4097, results.size());
            assertEquals(alone(engine, "{}"), results.get(0).json());
            assertEquals(alone(engine, "["), results.get(4096).json());
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
        assertThrows(IllegalStateException.class, () -> engine.plan("{}", 7));
    }

    /** One engine shared by eight threads gives each the single-threaded answers. */
    @Test
    void anEngineIsSafeToShareBetweenThreads() throws Exception {
        try (Engine engine = Engine.of("cn-microloan")) {
            Map<String, Engine> one = Map.of("cn-microloan", engine);
            // A copy per call: answer() would add an engine for another policy to the map.
            assertEachThreadAgrees(8, List.of("cn-microloan"), () -> new java.util.HashMap<>(one), false);
        }
    }

    /**
     * An engine per thread, all deciding at once: on the native library they share one state,
     * which must keep each engine's results apart.
     */
    @Test
    void enginesOnSeveralThreadsDecideAtOnceWithTheBytesOfOne() throws Exception {
        assertEachThreadAgrees(4, List.of("cn-microloan", "us-reg-f"), Conformance::engines, true);
    }

    /**
     * Runs the corpus cases of {@code policies} on {@code threads} threads at once, each from its
     * own starting case, with the engines {@code enginesOf} gives each call (closed after each
     * thread's run when {@code ownEngines}); every answer must be the one a single thread gets.
     */
    private static void assertEachThreadAgrees(int threads, List<String> policies, Supplier<Map<String, Engine>> enginesOf, boolean ownEngines)
            throws Exception {
        List<Conformance.Case> cases = new ArrayList<>();
        for (Conformance.Case c : Conformance.load(Conformance.CORPUS)) {
            if (policies.contains(c.policy())) {
                cases.add(c);
            }
        }
        Map<String, Engine> reference = Conformance.engines();
        List<String> want = cases.stream().map(c -> Conformance.answer(reference, c)).toList();
        reference.values().forEach(Engine::close);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int shift = t * 7;
                runs.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    Map<String, Engine> engines = enginesOf.get();
                    try {
                        for (int i = 0; i < cases.size(); i++) {
                            int k = (i + shift) % cases.size();
                            if (!Conformance.answer(ownEngines ? engines : enginesOf.get(), cases.get(k)).equals(want.get(k))) {
                                wrong.add(cases.get(k).name());
                            }
                        }
                    } finally {
                        if (ownEngines) {
                            engines.values().forEach(Engine::close);
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
