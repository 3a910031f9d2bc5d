package dev.arrears;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the conformance corpus through the Java library and writes each case's output as one JSON
 * line for `arrears corpus check`, which holds every surface's outputs to the expected bytes, the
 * digests and the claims.
 */
public final class CorpusReport {
    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : Conformance.CORPUS;
        List<Conformance.Case> cases = Conformance.load(root);
        Map<String, Engine> engines = Conformance.engines();
        // UTF-8 whatever the platform's default: outputs quote citations in every script.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        String surface = surface();
        for (Conformance.Case c : cases) {
            out.println("{\"surface\":" + Json.quote(surface) + ",\"case\":" + Json.quote(c.name())
                    + ",\"output\":" + Json.quote(Conformance.answer(engines, c)) + "}");
        }
        out.flush();
        engines.values().forEach(Engine::close);
    }

    /** The surface's name in the conformance table: each runtime is a surface of its own. */
    static String surface() {
        try (Engine probe = Engine.of("cn-microloan")) {
            if (!probe.runtime().equals("native")) {
                return "Chicory (Java)";
            }
            int feature = Runtime.version().feature();
            // Java 17-21 reach the native library through JNI, Java 22+ through FFM.
            return (feature >= 22 ? "FFM (Java " : "JNI (Java ") + feature + ", native library)";
        }
    }

    private CorpusReport() {}
}
