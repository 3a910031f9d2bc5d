package dev.arrears;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the conformance corpus through the Java library and prints the conformance line
 * scripts/conformance.sh collects; exits 1 if any case differs.
 */
public final class CorpusReport {
    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : Conformance.CORPUS;
        List<Conformance.Case> cases = Conformance.load(root);
        Map<String, Engine> engines = Conformance.engines();
        List<String> differ = new ArrayList<>();
        for (Conformance.Case c : cases) {
            String out = Conformance.answer(engines, c);
            if (Conformance.compare(root, c, out) != null || !Conformance.check(c, out).isEmpty()) {
                differ.add(c.name());
            }
        }
        StringBuilder names = new StringBuilder();
        for (String d : differ) {
            names.append(names.length() > 0 ? "," : "").append('"').append(d).append('"');
        }
        System.out.printf("{\"surface\": \"Chicory (Java)\", \"cases\": %d, \"identical\": %d, \"differ\": [%s]}%n",
                cases.size(), cases.size() - differ.size(), names);
        System.exit(differ.isEmpty() ? 0 : 1);
    }

    private CorpusReport() {}
}
