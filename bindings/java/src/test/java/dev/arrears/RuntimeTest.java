package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which runtime an engine runs on: the native library only on Java 22+ with native access enabled
 * and the library present, unless {@code arrears.runtime=wasm}; {@code arrears.runtime=native}
 * refuses, saying why, where it cannot be had. The choice is made once per JVM, so each case is a
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
        String out = probe("-Darrears.runtime=native")[0];
        assertTrue(out.startsWith("refused: arrears.runtime=native, but "), out);
        if (FEATURE >= 22) {
            assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
        } else {
            assertTrue(out.contains("Java 22 or later"), out);
        }
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
            assertEquals("the native library needs Java 22 or later (the Foreign Function and Memory API), and this JVM is Java " + FEATURE,
                    NativeModule.unavailable());
            return;
        }
        String[] got = probe("--enable-native-access=ALL-UNNAMED");
        String expected = NativeModule.unavailable() == null ? "native" : "wasm";
        assertEquals(expected, got[0]);
        if ("native".equals(System.getProperty("arrears.expectRuntime"))) {
            assertNull(NativeModule.unavailable());
        }
    }

    @Test
    void anUnknownRuntimeIsRefused() throws Exception {
        assertEquals("refused: arrears.runtime is \"jni\"; it may be wasm or native, or unset for the fastest available",
                probe("-Darrears.runtime=jni")[0]);
    }
}
