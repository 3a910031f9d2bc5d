package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which runtime an engine runs on: the native library by default only on Java 22+ with native
 * access enabled and the library present, unless {@code arrears.runtime=wasm}; on Java 17-21 only
 * with {@code arrears.runtime=native} (through JNI); {@code arrears.runtime=native} refuses,
 * saying why, where it cannot be had. The choice is made once per JVM, so each case is a
 * fresh JVM running {@link RuntimeProbe}.
 */
class RuntimeTest {
    private static final int FEATURE = Runtime.version().feature();

    /** What the probe prints in a fresh JVM of this one's version with {@code flags}, and its error stream. */
    private static String[] probe(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.arrears.RuntimeProbe"));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out + err);
        return new String[] {out, err};
    }

    @Test
    void theEngineRunsOnTheRuntimeTheBuildAskedFor() {
        String expected = System.getProperty("arrears.expectRuntime", "wasm");
        try (Engine engine = Engine.of("cn-microloan")) {
            assertEquals(expected, engine.runtime());
        }
    }

    @Test
    void wasmIsUsedWhenAskedForEvenWithNativeAccess() throws Exception {
        String flag = FEATURE >= 22 ? "--enable-native-access=ALL-UNNAMED" : "-Dunused=1";
        assertEquals("wasm", probe(flag, "-Darrears.runtime=wasm")[0]);
    }

    @Test
    void nativeWithoutNativeAccessIsRefusedSayingWhy() throws Exception {
        if (FEATURE < 22) {
            return; // Java 17-21 reach the library through JNI, which needs no native access
        }
        String out = probe("-Darrears.runtime=native")[0];
        assertTrue(out.startsWith("refused: arrears.runtime=native, but "), out);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
    }

    @Test
    void withoutNativeAccessTheDefaultIsWasmAndTheJvmWarnsOfNothing() throws Exception {
        String[] got = probe();
        assertEquals("wasm", got[0]);
        assertFalse(got[1].contains("WARNING"), got[1]);
    }

    @Test
    void withNativeAccessTheDefaultIsTheNativeLibraryWhereItIsShipped() throws Exception {
        if (FEATURE < 22) {
            return; // see onJava17To21TheDefaultStaysWasmEvenWhereTheLibraryIsShipped
        }
        String[] got = probe("--enable-native-access=ALL-UNNAMED");
        String expected = NativeModule.unavailable() == null ? "native" : "wasm";
        assertEquals(expected, got[0]);
        if ("native".equals(System.getProperty("arrears.expectRuntime"))) {
            assertNull(NativeModule.unavailable());
        }
    }

    @Test
    void onJava17To21TheDefaultStaysWasmEvenWhereTheLibraryIsShipped() throws Exception {
        if (FEATURE >= 22) {
            return;
        }
        assertEquals("wasm", probe()[0]);
        if ("native".equals(System.getProperty("arrears.runtime"))) {
            assertNull(NativeModule.unavailable());
        } else {
            String why = NativeModule.unavailable();
            assertTrue(why.startsWith("on Java 17-21 the native library is used through JNI only with -Darrears.runtime=native"), why);
        }
    }

    @Test
    void onJava17To21NativeIsTheLibraryThroughJniWhenAskedFor() throws Exception {
        if (FEATURE >= 22) {
            return;
        }
        String missing = LibraryFile.noNativeLibrary();
        String expected = missing == null ? "native" : "refused: arrears.runtime=native, but " + missing;
        String[] got = probe("-Darrears.runtime=native");
        assertEquals(expected, got[0]);
        assertFalse(got[1].contains("WARNING"), got[1]);
    }

    @Test
    void onJava17To21ALibraryThatDoesNotLoadIsRefusedSayingWhy() throws Exception {
        if (FEATURE >= 22) {
            return;
        }
        String out = probe("-Darrears.runtime=native", "-Darrears.native.path=/nonexistent/libarrears_module.so")[0];
        assertTrue(out.startsWith("refused: arrears.runtime=native, but the native library did not load: "), out);
        assertTrue(out.contains("/nonexistent/libarrears_module.so"), out);
    }

    /**
     * The FFM class copies to and from any address it is given; the JNI entry points copy only
     * within memory the library allocated (or a result's text) and refuse any other range, so a
     * wrong address is an exception in the JVM rather than a crash of it.
     */
    @Test
    void throughJniRangesTheLibraryDidNotAllocateAreRefused() {
        try (Engine engine = Engine.of("cn-microloan")) {
            if (FEATURE >= 22 || !engine.runtime().equals("native")) {
                return;
            }
            Abi abi = engine.abi();
            long ptr = abi.alloc(8);
            try {
                abi.write(ptr, new byte[8]);
                abi.writeIntLE(ptr + 4, 7);
                assertEquals(7, abi.read(ptr, 8)[4]);
                assertThrows(IllegalArgumentException.class, () -> abi.write(ptr, new byte[9]));
                assertThrows(IllegalArgumentException.class, () -> abi.write(ptr + 1, new byte[8]));
                assertThrows(IllegalArgumentException.class, () -> abi.writeIntLE(ptr + 5, 7));
                assertThrows(IllegalArgumentException.class, () -> abi.read(ptr, 9));
                assertThrows(IllegalArgumentException.class, () -> abi.read(ptr, -1));
                assertThrows(IllegalArgumentException.class, () -> abi.read(1 << 20, 4));
                assertThrows(IllegalArgumentException.class, () -> abi.write(-8, new byte[4]));
            } finally {
                abi.free(ptr, 8);
            }
            assertThrows(IllegalArgumentException.class, () -> abi.write(ptr, new byte[1]), "a freed allocation");
            int result = abi.decide(0, 0, 0);
            long text = abi.resultPtr(result);
            long len = abi.resultLen(result);
            assertTrue(new String(abi.read(text, len), StandardCharsets.UTF_8).contains("unknown_engine"));
            assertThrows(IllegalArgumentException.class, () -> abi.read(text, len + 1));
            abi.resultFree(result);
            assertThrows(IllegalArgumentException.class, () -> abi.read(text, len), "a freed result");
            assertEquals(0, abi.read(0, 0).length);
        }
    }

    @Test
    void anUnknownRuntimeIsRefused() throws Exception {
        assertEquals("refused: arrears.runtime is \"jni\"; it may be wasm or native, or unset for the fastest available",
                probe("-Darrears.runtime=jni")[0]);
    }
}
