package dev.arrears;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a fresh JVM spends creating its first engine, for scripts/java-warmup.sh, which runs it in
 * many fresh JVMs and reports medians. Prints one JSON line of milliseconds:
 *
 * <pre>java -cp ... dev.arrears.Warmup POLICY CASE_FILE
 * java -cp ... dev.arrears.Warmup POLICY steps</pre>
 *
 * <p>With a case file: the library as a user calls it, {@code Engine.of} twice (the first engine
 * of the JVM and a further one), then the first engine's first decision of that case; for the
 * first engine also the CPU time the whole JVM spent meanwhile (every thread), which a shared
 * machine's load disturbs less than the time on the clock.
 *
 * <p>With {@code steps} (the WebAssembly path only; the native path's steps are the JDK's and are
 * timed by scripts/java-warmup/FfmSteps.java): the first engine taken apart as the library builds
 * it, each step timed on its own: the compiled module's metadata parsed ({@code
 * ArrearsModule.load()}), an instance built (which loads the generated classes), the exports
 * looked up, and {@code arrears_engine_new} on the policy.
 */
public final class Warmup {
    public static void main(String[] args) throws IOException {
        String policy = args[0];
        System.out.println(args[1].equals("steps") ? steps(policy) : engines(policy, Files.readString(Path.of(args[1]))));
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    /** The CPU time of the whole JVM so far (every thread: the JIT's, the collector's), in ns. */
    private static long cpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static String engines(String policy, String caseJson) {
        long cpu = cpu();
        long t = System.nanoTime();
        Engine first = Engine.of(policy);
        double firstMs = ms(t);
        double firstCpuMs = (cpu() - cpu) / 1e6;
        t = System.nanoTime();
        Engine second = Engine.of(policy);
        double secondMs = ms(t);
        t = System.nanoTime();
        String decided;
        try {
            first.decide(caseJson);
            decided = "decision";
        } catch (ArrearsException e) {
            decided = e.code();
        }
        double decideMs = ms(t);
        String runtime = first.runtime();
        first.close();
        second.close();
        return String.format("{\"runtime\":\"%s\",\"java\":%d,\"first_engine_ms\":%.1f,\"first_engine_cpu_ms\":%.1f,\"second_engine_ms\":%.1f,"
                        + "\"first_decide_ms\":%.1f,\"first_decide\":\"%s\"}",
                runtime, Runtime.version().feature(), firstMs, firstCpuMs, secondMs, decideMs, decided);
    }

    private static String steps(String policy) {
        long t = System.nanoTime();
        WasmModule module = ArrearsModule.load();
        double loadMs = ms(t);
        t = System.nanoTime();
        Instance instance = Instance.builder(module).withMachineFactory(ArrearsModule::create).build();
        double instanceMs = ms(t);
        t = System.nanoTime();
        ChicoryAbi abi = new ChicoryAbi(instance);
        double exportsMs = ms(t);
        byte[] text = policy.getBytes(StandardCharsets.UTF_8);
        t = System.nanoTime();
        long ptr = abi.alloc(text.length);
        abi.write(ptr, text);
        int result = abi.engineNew(ptr, text.length);
        double engineNewMs = ms(t);
        boolean ok = abi.resultOk(result);
        abi.resultFree(result);
        abi.free(ptr, text.length);
        return String.format("{\"runtime\":\"wasm\",\"java\":%d,\"module_load_ms\":%.1f,\"instance_ms\":%.1f,"
                        + "\"exports_ms\":%.1f,\"engine_new_ms\":%.1f,\"ok\":%b}",
                Runtime.version().feature(), loadMs, instanceMs, exportsMs, engineNewMs, ok);
    }

    private Warmup() {}
}
