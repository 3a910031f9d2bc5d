package dev.arrears;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trap inside the module is an {@code internal} ArrearsException, and the next call works. */
class TrapTest {
    /**
     * The module with its test-only trap (the case text {@code ARREARS-TRAP} aborts
     * {@code arrears_decide}, and {@code arrears_decide_batch} when a record holds it), built here:
     * the committed module has no such trigger.
     */
    private static WasmModule trapModule() throws Exception {
        Path root = Path.of("../..").toAbsolutePath().normalize();
        Path target = root.resolve("target/module-trap");
        ProcessBuilder build = new ProcessBuilder("cargo", "build", "-q", "--locked", "-p", "arrears-module",
                "--features", "trap-trigger", "--target", "wasm32-unknown-unknown")
                .directory(root.toFile())
                .redirectErrorStream(true);
        build.environment().put("CARGO_TARGET_DIR", target.toString());
        Process p = build.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "building the trapping module: " + out);
        return Parser.parse(target.resolve("wasm32-unknown-unknown/debug/arrears_module.wasm"));
    }

    @Test
    void aTrapIsAnInternalErrorAndTheNextCallWorks() throws Exception {
        WasmModule module = trapModule();
        Engine engine = Engine.onInstances("cn-microloan", () -> Instance.builder(module).build());
        String sample = Files.readString(Path.of("../../examples/cases/overdue-consumer-loan.json"));
        String want = engine.decide(sample);
        for (int round = 0; round < 2; round++) {
            ArrearsException e = assertThrows(ArrearsException.class, () -> engine.decide("ARREARS-TRAP"));
            assertEquals("internal", e.code());
            assertTrue(e.toJson().startsWith("{\"error\":{\"code\":\"internal\",\"path\":\"\",\"message\":"), e.toJson());
            assertEquals("internal", ArrearsException.fromJson(e.toJson()).code());
            assertEquals(want, engine.decide(sample));
        }
        // A trap in the middle of a batch fails the batch as a whole (the module's state is
        // unknown, so no slot can be trusted), and the next batch works.
        ArrearsException e = assertThrows(ArrearsException.class, () -> engine.decideMany(List.of(sample, "ARREARS-TRAP", sample)));
        assertEquals("internal", e.code());
        assertEquals(List.of(want, want), engine.decideMany(List.of(sample, sample)).stream().map(Result::decision).toList());
    }
}
