package dev.arrears;

import com.dylibso.chicory.runtime.Instance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Decides collections cases under one policy: the arrears engine, the same core as every other
 * arrears surface. Case JSON in, the canonical decision JSON out; the bytes are exactly those of
 * the native engine.
 *
 * <p>It runs in one of two ways, with the same results ({@link #runtime()} says which):
 *
 * <ul>
 *   <li>{@code "wasm"}, the default on Java 17 to 21 and the way on every JVM from 17: the engine
 *       as a WebAssembly module compiled to JVM bytecode when this library was built, run by
 *       Chicory (pure Java: no JNI, no native code).
 *   <li>{@code "native"}: the engine's native library, shipped in the jar for linux-x86_64, many
 *       times faster. On Java 22 and later it is called through the Foreign Function and Memory
 *       API, and is the default when the JVM runs with native access enabled for this library
 *       ({@code --enable-native-access=ALL-UNNAMED} on the class path) and the library is there for
 *       the platform, unless the system property {@code arrears.runtime} is {@code wasm}. On Java
 *       17 to 21 it is called through JNI, only with {@code arrears.runtime=native} (opt-in:
 *       Chicory stays the default there). With {@code arrears.runtime=native}, an engine that
 *       cannot have it is an error that says why.
 * </ul>
 *
 * <pre>{@code
 * try (Engine engine = Engine.of("us-reg-f")) {      // a pack id or a policy document's JSON text
 *     String decision = engine.decide(caseJson);     // ArrearsException for bad input
 *     String plan = engine.plan(caseJson, 7);         // every allowed window over the next 7 days
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> an engine is safe to share between threads; its calls are serialised
 * (one module instance runs one call at a time). {@link #decideMany} spreads a batch over further
 * engines of its own ({@link #setBatchWorkers}); for single calls in parallel, give each thread its
 * own engine, e.g. through a {@code ThreadLocal}; on the WebAssembly runtime an engine costs one
 * module instance (a few MB of memory). There the compiled module is loaded once per JVM, by the
 * first engine (with the policy, 0.6-0.9 s on a cold JVM); a further engine costs an instance and
 * the policy's loading, 50-130 ms while the JVM is cold, so create engines at start-up and keep
 * them (BENCHMARKS.md, "JVM and Go").
 */
public final class Engine implements AutoCloseable {
    /** The system property that picks the runtime: {@code wasm} or {@code native}; unset, the fastest available. */
    static final String RUNTIME_PROPERTY = "arrears.runtime";

    /** The runtime engines made by {@link #of} use, chosen once per JVM. */
    private static final class Chosen {
        static final Supplier<Abi> ABIS;
        /** Why {@code arrears.runtime} cannot be honoured, or null. */
        static final String PROBLEM;

        static {
            String wanted = System.getProperty(RUNTIME_PROPERTY, "");
            Supplier<Abi> abis = ChicoryAbi::compiled;
            String problem = null;
            switch (wanted) {
                case "wasm":
                    break;
                case "native":
                case "":
                    String missing = NativeModule.unavailable();
                    if (missing == null) {
                        abis = NativeModule::load;
                    } else if (!wanted.isEmpty()) {
                        problem = "arrears.runtime=native, but " + missing;
                    }
                    break;
                default:
                    problem = "arrears.runtime is \"" + wanted + "\"; it may be wasm or native, or unset for the fastest available";
            }
            ABIS = abis;
            PROBLEM = problem;
        }
    }

    /**
     * Where the ABI comes from: at the start, and after a trap. A WebAssembly engine gets a fresh
     * instance of the module each time; a native engine gets the one library again.
     */
    private final Supplier<Abi> abis;
    /** The policy as given, to build the engine again in a fresh instance after a trap. */
    private final String source;
    private Abi abi;
    private String policy;
    private int handle;

    private Engine(String policy, Supplier<Abi> abis) {
        this.abis = abis;
        this.source = policy;
        start();
    }

    /**
     * An engine on instances of a given module (the benchmark compares Chicory's interpreter; the
     * trap test gives a module that can be made to trap).
     */
    static Engine onInstances(String policy, Supplier<Instance> instances) {
        return new Engine(policy, () -> new ChicoryAbi(instances.get()));
    }

    /** Gets an ABI and builds the policy in it. */
    private void start() {
        abi = abis.get();
        int result = withInput(source.getBytes(StandardCharsets.UTF_8), abi::engineNew);
        int made = abi.resultEngine(result);
        this.policy = new String(settle(result), StandardCharsets.UTF_8);
        this.handle = made;
    }

    /** The ABI this engine calls, for tests that go through its exports themselves. */
    Abi abi() {
        return abi;
    }

    /**
     * Reads a result's text and frees the result: the text on success, the error object as an
     * {@link ArrearsException}.
     */
    private byte[] settle(int result) {
        byte[] out;
        boolean ok;
        try {
            out = abi.read(abi.resultPtr(result), abi.resultLen(result));
            ok = abi.resultOk(result);
        } finally {
            abi.resultFree(result);
        }
        if (!ok) {
            throw ArrearsException.fromJson(new String(out, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The answer to a call the module did not finish (it trapped: a bug, or memory exhausted).
     * The instance's state is unknown after a trap, so it is thrown away and a fresh one built
     * with the same policy: the next call works. The caller gets {@code internal}.
     */
    private ArrearsException trapped(RuntimeException trap) {
        String message = "the engine stopped in the middle of the call (" + trap + "); it was started again, and the next call works";
        Abi before = abi;
        int stale = handle;
        try {
            start();
            if (abi == before) {
                // The same library again (native): its state is sound, so the old engine is dropped.
                abi.engineDrop(stale);
            }
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
     * Runs a call that yields a result handle, then {@link #settle}s it; a trap restarts the
     * engine and is {@code internal}.
     */
    private byte[] settled(IntSupplier resultOf) {
        try {
            return settle(resultOf.getAsInt());
        } catch (ArrearsException e) {
            throw e;
        } catch (RuntimeException trap) {
            throw trapped(trap);
        }
    }

    /** A call of the ABI on one input range. */
    private interface OnRange {
        int call(long ptr, long len);
    }

    /** Copies {@code input} into memory the library allocated, runs {@code call} on it, frees it. */
    private int withInput(byte[] input, OnRange call) {
        long ptr = place(input.length);
        try {
            abi.write(ptr, input);
            return call.call(ptr, input.length);
        } finally {
            abi.free(ptr, input.length);
        }
    }

    /** {@code len} bytes allocated by the library for an input. */
    private long place(long len) {
        long ptr = abi.alloc(len);
        if (ptr == 0) {
            throw new OutOfMemoryError("the arrears module could not allocate " + len + " bytes");
        }
        return ptr;
    }

    /**
     * An engine for a built-in pack id ({@code "cn-microloan"}, {@code "us-reg-f"}) or a policy
     * document's JSON text.
     *
     * @throws ArrearsException when the policy does not load ({@code unknown_policy},
     *     {@code policy_invalid}, ...)
     * @throws IllegalStateException when the system property {@code arrears.runtime} asks for a
     *     runtime this JVM cannot have ({@code native} without native access on Java 22+, or
     *     without the library), or names none of {@code wasm} and {@code native}; the message says why
     */
    public static Engine of(String policy) {
        if (Chosen.PROBLEM != null) {
            throw new IllegalStateException(Chosen.PROBLEM);
        }
        return new Engine(policy, Chosen.ABIS);
    }

    /**
     * How this engine runs: {@code "native"} (the native library through the Foreign Function and
     * Memory API on Java 22+, through JNI on Java 17-21) or {@code "wasm"} (the WebAssembly module
     * in Chicory).
     */
    public String runtime() {
        return abi.runtime();
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
        int engine = live();
        return settled(() -> withInput(caseUtf8, (ptr, len) -> abi.decide(engine, ptr, len)));
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
        int engine = live();
        return settled(() -> withInput(caseUtf8, (ptr, len) -> abi.plan(engine, ptr, len, days)));
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
        byte[] out = settled(() -> withInput(inputs[0], (loan, loanLen) ->
                withInput(inputs[1], (date, dateLen) ->
                        withInput(inputs[2], (zone, zoneLen) -> abi.importFineract(loan, loanLen, date, dateLen, zone, zoneLen)))));
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

    /** Threads for the further engines of a batch: daemons, started when a batch needs one, ended after a minute idle. */
    private static final class BatchThreads {
        static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "arrears-batch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@link #setBatchWorkers}; 0 is the number of processors. */
    private volatile int batchWorkers;
    /** Further engines of this policy that {@link #decideMany} decides on beside this one; guarded by itself. */
    private final List<Engine> crew = new ArrayList<>();
    /** Set by {@link #close}, under {@link #crew}'s lock. */
    private boolean crewClosed;

    /**
     * Sets how many engines {@link #decideMany} may decide on at once: 1 keeps a batch on this
     * engine alone; 0, the default, means {@link Runtime#availableProcessors()}. A program that
     * already calls {@code decideMany} from as many threads as it has processors gains nothing
     * from more and may set 1.
     */
    public void setBatchWorkers(int n) {
        batchWorkers = Math.max(0, n);
    }

    /** How many engines {@link #decideMany} may decide on at once ({@link #setBatchWorkers}). */
    public int batchWorkers() {
        int n = batchWorkers;
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Decides many cases, a few hundred per call into the module, on as many engines at once as
     * {@link #setBatchWorkers} allows: one {@link Result} per case, in order, holding exactly what
     * {@link #decide(String)} returns for it or the {@link ArrearsException} it throws. A bad case
     * is an error in its slot; it never fails the batch. Only a closed engine
     * ({@link IllegalStateException}) or a call the module did not finish ({@code internal}: no
     * slot of that batch can be trusted) throws.
     *
     * <p>A call into the module costs little beside a decision, so a batch on one engine decides at
     * the rate of a loop of {@link #decide(String)} (BENCHMARKS.md, "Batch calls"). What makes
     * {@code decideMany} faster is that it spreads its calls over further engines of the same
     * policy, on threads of its own (daemons, ended after a minute idle); it creates those engines
     * the first time a batch needs them (on the WebAssembly runtime a module instance each) and
     * keeps them until {@link #close}. A batch is as fast as the processors it may use, each case
     * still decided by itself.
     */
    public List<Result> decideMany(List<String> cases) {
        byte[][] texts = new byte[cases.size()][];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = cases.get(i).getBytes(StandardCharsets.UTF_8);
        }
        int allowed = batchWorkers();
        int[][] chunks = chunksOf(texts, allowed);
        int workers = Math.min(allowed, chunks.length);
        List<Engine> all = new ArrayList<>();
        all.add(this);
        if (workers > 1) {
            all.addAll(crewOf(workers - 1));
        }
        Engine[] engines = all.toArray(new Engine[0]);
        Result[] out = new Result[texts.length];
        // Each engine takes the next chunk not yet taken, so an engine slowed by the machine's
        // other work leaves its share to the rest; a failing call stops every engine at its next.
        AtomicInteger next = new AtomicInteger();
        Throwable[] failed = new Throwable[engines.length];
        IntConsumer work = w -> {
            try {
                for (int i = next.getAndIncrement(); i < chunks.length; i = next.getAndIncrement()) {
                    engines[w].decideChunk(texts, chunks[i], out);
                }
            } catch (RuntimeException | Error e) {
                failed[w] = e;
                next.set(chunks.length);
            }
        };
        List<Future<?>> running = new ArrayList<>();
        for (int w = 1; w < engines.length; w++) {
            int worker = w;
            running.add(BatchThreads.POOL.submit(() -> work.accept(worker)));
        }
        work.accept(0);
        awaitAll(running);
        for (Throwable t : failed) {
            if (t instanceof RuntimeException e) {
                throw e;
            } else if (t instanceof Error e) {
                throw e;
            }
        }
        return new ArrayList<>(java.util.Arrays.asList(out));
    }

    /** Waits for every task, even when interrupted (they write into the caller's answer), and keeps the interrupt. */
    private static void awaitAll(List<Future<?>> running) {
        boolean interrupted = false;
        for (Future<?> task : running) {
            while (true) {
                try {
                    task.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break; // the task keeps what it throws in its slot of failed
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code n} further engines of this engine's policy, created the first time a batch needs them. */
    private List<Engine> crewOf(int n) {
        synchronized (crew) {
            if (crewClosed) {
                throw new IllegalStateException("the engine is closed");
            }
            while (crew.size() < n) {
                crew.add(new Engine(source, abis));
            }
            return new ArrayList<>(crew.subList(0, n));
        }
    }

    /**
     * Cuts the cases into the runs sent in one call each, {@code {start, end, size as records}},
     * size 0 for one case too large for any batch (decided alone). For several workers the runs
     * are also cut small enough that each worker gets about four, so that they finish near together.
     */
    static int[][] chunksOf(byte[][] cases, int workers) {
        int maxCases = CHUNK_CASES;
        long maxBytes = CHUNK_BYTES;
        if (workers > 1) {
            long total = 0;
            for (byte[] c : cases) {
                total += 4 + c.length;
            }
            int parts = 4 * workers;
            maxCases = Math.min(maxCases, Math.max(1, (cases.length + parts - 1) / parts));
            maxBytes = Math.min(maxBytes, Math.max(1, (total + parts - 1) / parts));
        }
        List<int[]> chunks = new ArrayList<>();
        for (int start = 0; start < cases.length; ) {
            if (cases[start].length > BATCH_MAX_BYTES - 4) {
                chunks.add(new int[] {start, start + 1, 0});
                start++;
                continue;
            }
            int end = start;
            long size = 0;
            while (end < cases.length && end - start < maxCases && cases[end].length <= BATCH_MAX_BYTES - 4
                    && (end == start || size + 4 + cases[end].length <= maxBytes)) {
                size += 4 + cases[end].length;
                end++;
            }
            chunks.add(new int[] {start, end, (int) size});
            start = end;
        }
        return chunks.toArray(new int[0][]);
    }

    /** Decides one run of cases into its slots of {@code out}. */
    private void decideChunk(byte[][] cases, int[] chunk, Result[] out) {
        int start = chunk[0];
        int count = chunk[1] - chunk[0];
        int size = chunk[2];
        if (size == 0) {
            // Too large for any batch: alone, it gets the engine's own answer to its size.
            try {
                out[start] = Result.decided(new String(decide(cases[start]), StandardCharsets.UTF_8));
            } catch (ArrearsException e) {
                out[start] = Result.failed(e);
            }
            return;
        }
        byte[] answer;
        synchronized (this) {
            int engine = live();
            answer = settled(() -> batch(engine, cases, start, count, size));
        }
        readAnswers(answer, start, count, out);
    }

    /**
     * Writes the cases into guest memory as the records {@code arrears_decide_batch} reads (a
     * little-endian u32 length, then the bytes), calls it once and frees the input; returns the
     * result handle.
     */
    private int batch(int engine, byte[][] cases, int start, int count, int size) {
        long ptr = place(size);
        try {
            long at = ptr;
            for (int i = start; i < start + count; i++) {
                abi.writeIntLE(at, cases[i].length);
                abi.write(at + 4, cases[i]);
                at += 4 + cases[i].length;
            }
            return abi.decideBatch(engine, ptr, size);
        } finally {
            abi.free(ptr, size);
        }
    }

    /**
     * Reads one answer record per case: a status byte (0 a decision, 1 an error object), a
     * little-endian u32 length and the text. The status, not the text, says which it is.
     */
    private static void readAnswers(byte[] answer, int start, int count, Result[] out) {
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (answer.length - at < 5 || (answer[at] & 0xff) > 1) {
                throw new IllegalStateException("the batch answer has no readable record for case " + i);
            }
            int len = (answer[at + 1] & 0xff) | (answer[at + 2] & 0xff) << 8 | (answer[at + 3] & 0xff) << 16 | (answer[at + 4] & 0xff) << 24;
            if (len < 0 || answer.length - at - 5 < len) {
                throw new IllegalStateException("the batch answer ends inside case " + i + "'s record");
            }
            String text = new String(answer, at + 5, len, StandardCharsets.UTF_8);
            out[start + i] = answer[at] == 0 ? Result.decided(text) : Result.failed(ArrearsException.fromJson(text));
            at += 5 + len;
        }
        if (at != answer.length) {
            throw new IllegalStateException("the batch answer holds more records than cases");
        }
    }

    /** Drops the engine and its module instance; later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        synchronized (this) {
            if (handle != 0) {
                abi.engineDrop(handle);
                handle = 0;
            }
        }
        synchronized (crew) {
            crewClosed = true;
            for (Engine helper : crew) {
                helper.close();
            }
            crew.clear();
        }
    }

    private int live() {
        if (handle == 0) {
            throw new IllegalStateException("the engine is closed");
        }
        return handle;
    }
}
