import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * The steps of the Java library's native path in a fresh JVM, each timed on its own, with the
 * JDK's API alone (no arrears classes), for scripts/java-warmup.sh:
 *
 * <pre>java --enable-native-access=ALL-UNNAMED FfmSteps JAR POLICY all|creation</pre>
 *
 * <p>The library is taken out of the jar to a temporary file (as the library did before it kept a
 * verified copy in the user's cache), loaded, and its exports made into downcall handles: {@code
 * all} makes the thirteen the library used to make up front, {@code creation} only the six that
 * creating an engine calls. Then {@code arrears_engine_new} on the policy. Prints one JSON line of
 * milliseconds.
 */
public final class FfmSteps {
    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    public static void main(String[] args) throws Throwable {
        Path jar = Path.of(args[0]);
        byte[] policy = args[1].getBytes(StandardCharsets.UTF_8);
        boolean all = args[2].equals("all");

        long t = System.nanoTime();
        Linker linker = Linker.nativeLinker();
        double linkerMs = ms(t);

        t = System.nanoTime();
        Path file = Files.createTempFile("arrears-steps-", ".so");
        try (ZipFile zip = new ZipFile(jar.toFile());
                InputStream in = zip.getInputStream(zip.getEntry("dev/arrears/native/linux-x86_64/libarrears_module.so"))) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        double extractMs = ms(t);

        t = System.nanoTime();
        SymbolLookup symbols = SymbolLookup.libraryLookup(file, Arena.global());
        double dlopenMs = ms(t);
        Files.delete(file);

        List<String> handleMs = new ArrayList<>();
        t = System.nanoTime();
        MethodHandle alloc = handle(linker, symbols, "arrears_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), handleMs);
        MethodHandle free = handle(linker, symbols, "arrears_free", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG), handleMs);
        MethodHandle engineNew = handle(linker, symbols, "arrears_engine_new", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), handleMs);
        MethodHandle resultEngine = handle(linker, symbols, "arrears_result_engine", FunctionDescriptor.of(JAVA_INT, JAVA_INT), handleMs);
        MethodHandle resultPtr = handle(linker, symbols, "arrears_result_ptr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT), handleMs);
        MethodHandle resultLen = handle(linker, symbols, "arrears_result_len", FunctionDescriptor.of(JAVA_LONG, JAVA_INT), handleMs);
        MethodHandle resultOk = handle(linker, symbols, "arrears_result_ok", FunctionDescriptor.of(JAVA_INT, JAVA_INT), handleMs);
        MethodHandle resultFree = handle(linker, symbols, "arrears_result_free", FunctionDescriptor.ofVoid(JAVA_INT), handleMs);
        if (all) {
            handle(linker, symbols, "arrears_decide", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), handleMs);
            handle(linker, symbols, "arrears_decide_batch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), handleMs);
            handle(linker, symbols, "arrears_plan", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), handleMs);
            handle(linker, symbols, "arrears_import_fineract",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), handleMs);
            handle(linker, symbols, "arrears_engine_drop", FunctionDescriptor.ofVoid(JAVA_INT), handleMs);
        }
        double handlesMs = ms(t);

        MemorySegment memory = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        t = System.nanoTime();
        long ptr = (long) alloc.invokeExact((long) policy.length);
        MemorySegment.copy(policy, 0, memory, JAVA_BYTE, ptr, policy.length);
        int result = (int) engineNew.invokeExact(ptr, (long) policy.length);
        double engineNewMs = ms(t);
        t = System.nanoTime();
        int engine = (int) resultEngine.invokeExact(result);
        long len = (long) resultLen.invokeExact(result);
        long at = (long) resultPtr.invokeExact(result);
        byte[] out = new byte[(int) len];
        MemorySegment.copy(memory, JAVA_BYTE, at, out, 0, out.length);
        boolean ok = (int) resultOk.invokeExact(result) == 1;
        resultFree.invokeExact(result);
        free.invokeExact(ptr, (long) policy.length);
        double settleMs = ms(t);

        System.out.printf("{\"runtime\":\"native steps\",\"java\":%d,\"handles\":\"%s\",\"linker_ms\":%.1f,\"extract_ms\":%.1f,"
                        + "\"dlopen_ms\":%.1f,\"handles_ms\":%.1f,\"each_handle_ms\":[%s],\"engine_new_ms\":%.1f,"
                        + "\"settle_ms\":%.1f,\"ok\":%b,\"engine\":%d}%n",
                Runtime.version().feature(), all ? "all" : "creation", linkerMs, extractMs, dlopenMs, handlesMs,
                String.join(",", handleMs), engineNewMs, settleMs, ok, engine);
    }

    private static MethodHandle handle(Linker linker, SymbolLookup symbols, String name, FunctionDescriptor type, List<String> times) {
        long t = System.nanoTime();
        MethodHandle h = linker.downcallHandle(symbols.find(name).orElseThrow(), type);
        times.add(String.format("%.1f", ms(t)));
        return h;
    }
}
