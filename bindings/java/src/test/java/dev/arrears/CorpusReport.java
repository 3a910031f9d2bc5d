package dev.arrears;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the conformance corpus through the Java library and prints the conformance line
 * scripts/conformance.sh collects (bytes, and the claims checked and failed); exits 1 if any case
 * differs or fails a claim.
 */
public final class CorpusReport {
    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : Conformance.CORPUS;
        List<Conformance.Case> cases = Conformance.load(root);
        Map<String, Engine> engines = Conformance.engines();
        List<String> differ = new ArrayList<>();
        List<String> failedClaims = new ArrayList<>();
        int claims = 0;
        for (Conformance.Case c : cases) {
            String out = Conformance.answer(engines, c);
            if (Conformance.compare(root, c, out) != null) {
                differ.add(c.name());
            }
            claims += c.claims().size();
            failedClaims.addAll(Conformance.check(c, out));
        }
        System.out.printf(
                "{\"surface\": \"Chicory (Java)\", \"cases\": %d, \"identical\": %d, \"differ\": %s, \"claims\": %d, \"failed_claims\": %s}%n",
                cases.size(), cases.size() - differ.size(), jsonList(differ), claims, jsonList(failedClaims));
        System.exit(differ.isEmpty() && failedClaims.isEmpty() ? 0 : 1);
    }

    /** A JSON array of strings (the report's only dependency is the JDK). */
    private static String jsonList(List<String> items) {
        StringBuilder out = new StringBuilder("[");
        for (String item : items) {
            out.append(out.length() > 1 ? "," : "").append(Json.quote(item));
        }
        return out.append(']').toString();
    }

    private CorpusReport() {}
}
