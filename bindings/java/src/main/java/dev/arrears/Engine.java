package dev.arrears;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decides collections cases under one policy: the arrears engine, the same core as every other
 * arrears surface, as a WebAssembly module compiled to JVM bytecode when this library was built
 * and run by Chicory (pure Java: no JNI, no native code). Case JSON in, the canonical decision
 * JSON out; the bytes are exactly those of the native engine.
 *
 * <pre>{@code
 * try (Engine engine = Engine.of("us-reg-f")) {      // a pack id or a policy document's JSON text
 *     String decision = engine.decide(caseJson);     // ArrearsException for bad input
 *     String plan = engine.plan(caseJson, 7);         // every allowed window over the next 7 days
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> an engine is safe to share between threads; its calls are serialised
 * (one module instance runs one call at a time). For decisions in parallel, give each thread its
 * own engine, e.g. through a {@code ThreadLocal}; an engine costs one module instance (a few MB
 * of memory). The compiled module is loaded once per JVM, by the first engine (over a second on
 * a cold JVM); a further engine costs an instance and the policy's loading, a few hundred
 * milliseconds while the JVM is cold, so create engines at start-up and keep them
 * (BENCHMARKS.md, "JVM and Go").
 */
public final class Engine implements AutoCloseable {
    private static final WasmModule MODULE = ArrearsModule.load();

    /** Makes a fresh instance of the module: at the start, and after a trap. */
    private final Supplier<Instance> instances;
    /** The policy as given, to build the engine again in a fresh instance after a trap. */
    private final String source;
    private Instance instance;
    private Memory memory;
    private ExportFunction alloc, free, decide, decideBatch, plan, importFineract, resultPtr, resultLen, resultOk, resultFree, engineDrop;
    private String policy;
    private int handle;

    private Engine(String policy) {
        this(policy, () -> Instance.builder(MODULE).withMachineFactory(ArrearsModule::create).build());
    }

    /**
     * An engine on instances of a given module (the benchmark compares Chicory's interpreter; the
     * trap test gives a module that can be made to trap).
     */
    Engine(String policy, Supplier<Instance> instances) {
        this.instances = instances;
        this.source = policy;
        start();
    }

    /** Instantiates the module and builds the policy in it. */
    private void start() {
        instance = instances.get();
        memory = instance.memory();
        alloc = instance.export("arrears_alloc");
        free = instance.export("arrears_free");
        decide = instance.export("arrears_decide");
        decideBatch = instance.export("arrears_decide_batch");
        plan = instance.export("arrears_plan");
        importFineract = instance.export("arrears_import_fineract");
        resultPtr = instance.export("arrears_result_ptr");
        resultLen = instance.export("arrears_result_len");
        resultOk = instance.export("arrears_result_ok");
        resultFree = instance.export("arrears_result_free");
        engineDrop = instance.export("arrears_engine_drop");
        long result = call(instance.export("arrears_engine_new"), -1, source.getBytes(StandardCharsets.UTF_8));
        try {
            String text = text(result);
            if (resultOk.apply(result)[0] != 1) {
                throw ArrearsException.fromJson(text);
            }
            this.handle = (int) instance.export("arrears_result_engine").apply(result)[0];
            this.policy = text;
        } finally {
            resultFree.apply(result);
        }
    }

    /**
     * The answer to a call the module did not finish (it trapped: a bug, or memory exhausted).
     * The instance's state is unknown after a trap, so it is thrown away and a fresh one built
     * with the same policy: the next call works. The caller gets {@code internal}.
     */
    private ArrearsException trapped(RuntimeException trap) {
        String message = "the engine stopped in the middle of the call (" + trap + "); it was started again, and the next call works";
        try {
            start();
        } catch (RuntimeException again) {
            handle = 0;
            message = "the engine stopped in the middle of the call (" + trap + ") and could not be started again: " + again;
        }
        String json = "{\"error\":{\"code\":\"internal\",\"path\":\"\",\"message\":" + Json.quote(message) + "}}";
        ArrearsException e = new ArrearsException("internal", "", message, json);
        e.initCause(trap);
        return e;
    }

    /**
     * Runs a call into the module that yields a result handle: the result's text on success, its
     * error object as an exception, the result freed either way; a trap restarts the engine and
     * is {@code internal}.
     */
    private byte[] settled(LongSupplier resultOf) {
        byte[] out;
        boolean ok;
        try {
            long result = resultOf.getAsLong();
            try {
                out = bytes(result);
                ok = resultOk.apply(result)[0] == 1;
            } finally {
                resultFree.apply(result);
            }
        } catch (ArrearsException e) {
            throw e;
        } catch (RuntimeException trap) {
            throw trapped(trap);
        }
        if (!ok) {
            throw ArrearsException.fromJson(new String(out, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** One export over one input under the engine: see {@link #settled}. */
    private byte[] run(ExportFunction function, byte[] input, long... more) {
        int engine = live();
        return settled(() -> call(function, engine, input, more));
    }

    /**
     * An engine for a built-in pack id ({@code "cn-microloan"}, {@code "us-reg-f"}) or a policy
     * document's JSON text.
     *
     * @throws ArrearsException when the policy does not load ({@code unknown_policy},
     *     {@code policy_invalid}, ...)
     */
    public static Engine of(String policy) {
        return new Engine(policy);
    }

    /** The id, version and digest of the engine's newest policy version, as JSON text. */
    public String policy() {
        return policy;
    }

    /**
     * Decides one case given as JSON text.
     *
     * @return the decision's canonical JSON text
     * @throws ArrearsException for bad input, with the code, path and message every arrears
     *     surface gives
     */
    public String decide(String caseJson) {
        return new String(decide(caseJson.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** {@link #decide(String)} on UTF-8 bytes (bytes that are not UTF-8 are an {@code invalid_json} error). */
    public synchronized byte[] decide(byte[] caseUtf8) {
        return run(decide, caseUtf8);
    }

    /**
     * Plans one case given as JSON text over the next {@code days} local days (1 to 31): every
     * window in which each action of its decision is allowed if nothing else happens, with the
     * rules that open and close each window and the room each cap leaves in it.
     *
     * @return the plan's canonical JSON text
     * @throws ArrearsException for bad input ({@code out_of_range} at {@code days} for any other
     *     number of days), with the code, path and message every arrears surface gives
     */
    public String plan(String caseJson, int days) {
        return new String(plan(caseJson.getBytes(StandardCharsets.UTF_8), days), StandardCharsets.UTF_8);
    }

    /** {@link #plan(String, int)} on UTF-8 bytes (bytes that are not UTF-8 are an {@code invalid_json} error). */
    public synchronized byte[] plan(byte[] caseUtf8, int days) {
        return run(plan, caseUtf8, Integer.toUnsignedLong(days));
    }

    /**
     * Builds the arrears case of an Apache Fineract loan, given as the JSON text of {@code GET
     * /loans/{id}?associations=repaymentSchedule,transactions}, on the tenant's business date
     * ({@code YYYY-MM-DD}) in the tenant's IANA time zone (docs/integrations/fineract.md). The case
     * does not depend on this engine's policy: decide it under this engine or any other.
     *
     * @return the case's JSON text
     * @throws ArrearsException for a loan, date or zone that cannot be read, with a path into the
     *     loan ({@code business_date} or {@code time_zone} for the other two)
     */
    public synchronized String importFineract(String loanJson, String businessDate, String timeZone) {
        live();
        byte[][] inputs = {
            loanJson.getBytes(StandardCharsets.UTF_8),
            businessDate.getBytes(StandardCharsets.UTF_8),
            timeZone.getBytes(StandardCharsets.UTF_8),
        };
        byte[] out = settled(() -> {
            long[] args = new long[2 * inputs.length];
            int placed = 0;
            try {
                for (byte[] input : inputs) {
                    int ptr = (int) alloc.apply(input.length)[0];
                    if (ptr == 0) {
                        throw new OutOfMemoryError("the arrears module could not allocate " + input.length + " bytes");
                    }
                    args[2 * placed] = ptr;
                    args[2 * placed + 1] = input.length;
                    placed++;
                    memory.write(ptr, input);
                }
                return importFineract.apply(args)[0];
            } finally {
                for (int i = 0; i < placed; i++) {
                    free.apply(args[2 * i], args[2 * i + 1]);
                }
            }
        });
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * The most bytes the module's {@code arrears_decide_batch} takes in one call (docs/abi.md; it
     * refuses a larger batch as a whole, and more than 4,096 cases too, which a chunk never holds).
     */
    private static final int BATCH_MAX_BYTES = 64 << 20;
    /**
     * Cases and bytes of case text per call into the module: a call's cost is already shared out
     * at a few hundred cases, and the module's memory, which never shrinks, need only hold one
     * such batch and its answers.
     */
    private static final int CHUNK_CASES = 256;
    private static final int CHUNK_BYTES = 16 << 20;

    /**
     * Decides many cases, a few hundred per call into the module: for each case, in order, its
     * decision's JSON text or its error object's (exactly what {@link #decide(String)} returns or
     * throws as {@link ArrearsException#toJson()}). A bad case is an error in its slot; it never
     * fails the batch.
     */
    public List<String> decideMany(List<String> cases) {
        List<String> out = new ArrayList<>(cases.size());
        byte[][] chunk = new byte[Math.min(cases.size(), CHUNK_CASES)][];
        int held = 0;
        int size = 0;
        for (String c : cases) {
            byte[] bytes = c.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > BATCH_MAX_BYTES - 4) {
                // Too large for any batch: alone, it gets the engine's own answer to its size.
                size = flush(chunk, held, size, out);
                held = 0;
                try {
                    out.add(new String(decide(bytes), StandardCharsets.UTF_8));
                } catch (ArrearsException e) {
                    out.add(e.toJson());
                }
                continue;
            }
            if (held == chunk.length || (held > 0 && size + 4 + bytes.length > CHUNK_BYTES)) {
                size = flush(chunk, held, size, out);
                held = 0;
            }
            chunk[held++] = bytes;
            size += 4 + bytes.length;
        }
        flush(chunk, held, size, out);
        return out;
    }

    /** Decides the first {@code held} cases of {@code chunk} in one call, into {@code out}; returns 0. */
    private int flush(byte[][] chunk, int held, int size, List<String> out) {
        if (held > 0) {
            byte[] answer;
            synchronized (this) {
                int engine = live();
                answer = settled(() -> batch(engine, chunk, held, size));
            }
            readAnswers(answer, held, out);
        }
        return 0;
    }

    /**
     * Writes the cases into guest memory as the records {@code arrears_decide_batch} reads (a
     * little-endian u32 length, then the bytes), calls it once and frees the input; returns the
     * result handle.
     */
    private long batch(int engine, byte[][] cases, int count, int size) {
        int ptr = (int) alloc.apply(size)[0];
        if (ptr == 0) {
            throw new OutOfMemoryError("the arrears module could not allocate " + size + " bytes");
        }
        try {
            int at = ptr;
            for (int i = 0; i < count; i++) {
                memory.writeI32(at, cases[i].length);
                memory.write(at + 4, cases[i]);
                at += 4 + cases[i].length;
            }
            return decideBatch.apply(engine, ptr, size)[0];
        } finally {
            free.apply(ptr, size);
        }
    }

    /**
     * Reads one answer record per case: a status byte (0 a decision, 1 an error object), a
     * little-endian u32 length and the text. Both statuses go into {@code out} as their text.
     */
    private static void readAnswers(byte[] answer, int count, List<String> out) {
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (answer.length - at < 5 || answer[at] > 1) {
                throw new IllegalStateException("the batch answer has no readable record for case " + i);
            }
            int len = (answer[at + 1] & 0xff) | (answer[at + 2] & 0xff) << 8 | (answer[at + 3] & 0xff) << 16 | (answer[at + 4] & 0xff) << 24;
            if (len < 0 || answer.length - at - 5 < len) {
                throw new IllegalStateException("the batch answer ends inside case " + i + "'s record");
            }
            out.add(new String(answer, at + 5, len, StandardCharsets.UTF_8));
            at += 5 + len;
        }
        if (at != answer.length) {
            throw new IllegalStateException("the batch answer holds more records than cases");
        }
    }

    /** Drops the engine and its module instance; later calls throw {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        if (handle != 0) {
            engineDrop.apply(handle);
            handle = 0;
        }
    }

    private int live() {
        if (handle == 0) {
            throw new IllegalStateException("the engine is closed");
        }
        return handle;
    }

    /**
     * Copies input into guest memory, calls the export (engine handle first unless negative,
     * further arguments last), frees the input; returns the result handle.
     */
    private long call(ExportFunction function, int engine, byte[] input, long... more) {
        int ptr = (int) alloc.apply(input.length)[0];
        if (ptr == 0) {
            throw new OutOfMemoryError("the arrears module could not allocate " + input.length + " bytes");
        }
        try {
            memory.write(ptr, input);
            if (engine < 0) {
                return function.apply(ptr, input.length)[0];
            }
            long[] args = new long[3 + more.length];
            args[0] = engine;
            args[1] = ptr;
            args[2] = input.length;
            System.arraycopy(more, 0, args, 3, more.length);
            return function.apply(args)[0];
        } finally {
            free.apply(ptr, input.length);
        }
    }

    private byte[] bytes(long result) {
        int ptr = (int) resultPtr.apply(result)[0];
        int len = (int) resultLen.apply(result)[0];
        return memory.readBytes(ptr, len);
    }

    private String text(long result) {
        return new String(bytes(result), StandardCharsets.UTF_8);
    }
}
