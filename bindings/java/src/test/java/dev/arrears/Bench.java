package dev.arrears;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decisions per second through the Java library on the synthetic cases of scripts/bench.sh, one
 * call per case, after warm-up; and the JIT warm-up itself: from a fresh JVM, the 20-event cases
 * are decided in blocks of 100 calls until a block runs at 90% of the steady rate measured
 * afterwards. Prints {"surface", "rows", "warmup"} like every surface:
 *
 * <pre>java -cp ... dev.arrears.Bench POLICY DIR [interpreter] [batch]</pre>
 *
 * <p>The runtime is the library's choice for the JVM it runs on ({@link Engine#runtime()}): on
 * Java 22+ with {@code --enable-native-access=ALL-UNNAMED}, the native library through FFM; on Java
 * 17-21 with {@code -Darrears.runtime=native}, the native library through JNI.
 *
 * <p>With {@code batch}, each row also holds {@code decide_many_per_s}: the same cases through
 * {@link Engine#decideMany}, the whole file per call, measured in turns with the loop of single
 * calls (a sixteenth of the budget each, sixteen times) so that a change in the machine's load
 * falls on both alike, and {@code decide_many_turn_ratio}, the median over the turns of
 * {@code decideMany}'s rate over the loop's in the turn just before it: a batch saves a few percent
 * at most, less than the load of a shared machine moves a total, and a median of paired turns is
 * what still shows it. {@code decideMany} spreads its calls over the engine's batch workers (the
 * processors, unless {@code BENCH_BATCH_WORKERS} sets them), so the row also holds
 * {@code batch_workers} and {@code decide_many_cpu_ratio}: the JVM's CPU time per case through
 * {@code decideMany} over the loop's, what a batch costs as against how soon it is done.
 */
public final class Bench {
    public static void main(String[] args) throws Exception {
        String policy = args[0];
        Path dir = Path.of(args[1]);
        List<String> options = List.of(args).subList(2, args.length);
        boolean interpreter = options.contains("interpreter");
        boolean batch = options.contains("batch");
        long budget = Long.parseLong(System.getenv().getOrDefault("BENCH_MS", "1000")) * 1_000_000L;
        long created = System.nanoTime();
        Engine engine = interpreter
                ? Engine.onInstances(policy, () -> Instance.builder(Parser.parse(Path.of("src/main/wasm/arrears.wasm"))).build())
                : Engine.of(policy);
        double createMs = (System.nanoTime() - created) / 1e6;
        String workers = System.getenv("BENCH_BATCH_WORKERS");
        if (workers != null && !workers.isEmpty()) {
            engine.setBatchWorkers(Integer.parseInt(workers));
        }

        List<String> twenty = Files.readAllLines(dir.resolve("cases-20.jsonl"));
        // Warm-up: per-block rates from the first call on.
        List<Double> blocks = new ArrayList<>();
        long first = System.nanoTime();
        answer(engine, twenty.get(0));
        double firstMs = (System.nanoTime() - first) / 1e6;
        int blockSize = interpreter ? 10 : 100;
        long warmStart = System.nanoTime();
        while (System.nanoTime() - warmStart < (interpreter ? budget : 20 * budget)) {
            long t = System.nanoTime();
            for (int i = 0; i < blockSize; i++) {
                answer(engine, twenty.get(i % twenty.size()));
            }
            blocks.add(blockSize / ((System.nanoTime() - t) / 1e9));
        }

        StringBuilder rows = new StringBuilder();
        double steady20 = 0;
        for (int history : interpreter ? new int[] {20, 200} : new int[] {20, 200, 2000, 10000}) {
            Path file = dir.resolve("cases-" + history + ".jsonl");
            if (!Files.exists(file)) {
                continue; // a row the caller did not ask for
            }
            List<String> cases = Files.readAllLines(file);
            int refused = 0;
            for (String c : cases) {
                refused += answer(engine, c) ? 0 : 1;
            }
            double perS;
            String manyField = "";
            if (batch) {
                final int turns = 16;
                long[] single = {0, 0};
                long[] many = {0, 0};
                long[] cpu = {0, 0};
                double[] ratios = new double[turns];
                for (int turn = 0; turn < turns; turn++) {
                    long before = cpuNanos();
                    long[] a = loop(engine, cases, budget / turns);
                    long between = cpuNanos();
                    long[] b = many(engine, cases, budget / turns);
                    cpu[0] += between - before;
                    cpu[1] += cpuNanos() - between;
                    add(single, a);
                    add(many, b);
                    ratios[turn] = ((double) b[0] / b[1]) / ((double) a[0] / a[1]);
                }
                java.util.Arrays.sort(ratios);
                perS = single[0] / (single[1] / 1e9);
                manyField = ",\"decide_many_per_s\":" + Math.round(many[0] / (many[1] / 1e9))
                        + String.format(java.util.Locale.ROOT, ",\"decide_many_turn_ratio\":%.4f",
                                (ratios[turns / 2 - 1] + ratios[turns / 2]) / 2)
                        + String.format(java.util.Locale.ROOT, ",\"decide_many_cpu_ratio\":%.4f,\"batch_workers\":%d",
                                ((double) cpu[1] / many[0]) / ((double) cpu[0] / single[0]), engine.batchWorkers());
            } else {
                long[] single = loop(engine, cases, budget);
                perS = single[0] / (single[1] / 1e9);
            }
            if (history == 20) {
                steady20 = perS;
            }
            rows.append(rows.length() > 0 ? "," : "")
                    .append("{\"history\":").append(history).append(",\"decide_per_s\":").append(Math.round(perS))
                    .append(manyField).append(",\"refused\":").append(refused).append('}');
        }
        int calls = 1;
        boolean reached = false;
        for (double b : blocks) {
            calls += blockSize;
            if (b >= 0.9 * steady20) {
                reached = true;
                break;
            }
        }
        String surface = interpreter ? "Chicory (Java, interpreter)"
                : engine.runtime().equals("native") ? "Java " + Runtime.version().feature()
                        + (Runtime.version().feature() >= 22 ? ", FFM over the native library" : ", native library (JNI)")
                : "Chicory (Java, compiled at build time)";
        System.out.printf("{\"surface\":\"%s\",\"rows\":[%s],\"warmup\":{\"engine_ms\":%.1f,\"first_call_ms\":%.1f,"
                        + "\"first_block_per_s\":%d,\"calls_to_90pct\":%d,\"reached\":%b}}%n",
                surface, rows, createMs, firstMs, Math.round(blocks.get(0)), calls, reached);
        engine.close();
    }

    /** Decisions made and nanoseconds taken by single calls over the cases, for about {@code budget} ns. */
    private static long[] loop(Engine engine, List<String> cases, long budget) {
        long n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            for (String c : cases) {
                answer(engine, c);
                n++;
            }
        }
        return new long[] {n, System.nanoTime() - start};
    }

    /** Decisions made and nanoseconds taken by one {@code decideMany} call per pass over the cases. */
    private static long[] many(Engine engine, List<String> cases, long budget) {
        long n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            n += engine.decideMany(cases).size();
        }
        return new long[] {n, System.nanoTime() - start};
    }

    /** The CPU time the JVM has used, over all its threads (the JIT's and collector's among them). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void add(long[] sum, long[] part) {
        sum[0] += part[0];
        sum[1] += part[1];
    }

    /**
     * Decides one case; a refusal (the work budget refuses the largest synthetic cases) is an
     * answer too, timed like a decision, as the native bench does: false when it was refused.
     */
    private static boolean answer(Engine engine, String c) {
        try {
            engine.decide(c);
            return true;
        } catch (ArrearsException refused) {
            return false;
        }
    }

    private Bench() {}
}
