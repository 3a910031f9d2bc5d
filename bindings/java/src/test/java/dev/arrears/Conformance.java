package dev.arrears;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shared conformance corpus, read for the Java library's runner and tests: each case's output
 * must equal its expected output byte for byte (expected.json and expected.prose joined, the
 * policy digest masked). The digests and the claims of meta.json are checked by the one checker,
 * `arrears corpus check`, over the runner's outputs (CorpusReport). A case whose meta.json sets
 * "plan_days" is planned over that many days instead of decided.
 */
final class Conformance {
    static final Path CORPUS = Path.of(System.getProperty("arrears.corpus", "../../tests/conformance"));

    /** One corpus case; {@code planDays} is null for a decision, the horizon for a plan case. */
    record Case(String name, String policy, String input, String expected, Integer planDays) {}

    static List<Case> load(Path root) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root.resolve("cases"))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> meta = (Map<String, Object>) Json.parse(read(dir.resolve("meta.json")));
                String policy = (String) meta.get("policy");
                if (policy.endsWith(".json")) {
                    policy = read(root.resolve(policy));
                }
                Integer planDays = meta.get("plan_days") instanceof BigDecimal days ? days.intValueExact() : null;
                cases.add(new Case(dir.getFileName().toString(), policy, read(dir.resolve("case.json")),
                        joinExpected(read(dir.resolve("expected.json")), read(dir.resolve("expected.prose"))),
                        planDays));
            }
        }
        return cases;
    }

    /**
     * A case's expected output (digest masked, with its newline) from its two expected files: each
     * "@prose" of expected.json, in order, replaced by the text after the first space of the next
     * line of expected.prose (docs/conformance.md).
     */
    static String joinExpected(String verdict, String prose) {
        List<String> texts = new ArrayList<>();
        for (String line : prose.split("\n")) {
            if (!line.isEmpty()) {
                int space = line.indexOf(' ');
                texts.add(space < 0 ? "" : line.substring(space + 1));
            }
        }
        String[] parts = verdict.split("\"@prose\"", -1);
        if (parts.length != texts.size() + 1) {
            throw new IllegalStateException("expected.json has " + (parts.length - 1)
                    + " prose strings, expected.prose " + texts.size() + " lines");
        }
        StringBuilder out = new StringBuilder(parts[0]);
        for (int i = 0; i < texts.size(); i++) {
            out.append(texts.get(i)).append(parts[i + 1]);
        }
        return out.toString();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** What a case gives on this surface: the decision (the plan, for a plan case), or the error object. */
    static String answer(Map<String, Engine> engines, Case c) {
        try {
            Engine engine = engines.get(c.policy());
            if (engine == null) {
                engine = Engine.of(c.policy());
                engines.put(c.policy(), engine);
            }
            return c.planDays() != null ? engine.plan(c.input(), c.planDays()) : engine.decide(c.input());
        } catch (ArrearsException e) {
            return e.toJson();
        }
    }

    private static final Pattern DIGEST = Pattern.compile("\"digest\":\"sha256:[0-9a-f]{64}\"");

    /** Why an output differs from the expected bytes, its policy digest written "@digest" (null when identical). */
    static String compare(Case c, String output) {
        String masked = DIGEST.matcher(output).replaceAll("\"digest\":\"@digest\"");
        return (masked + "\n").equals(c.expected()) ? null : "output differs from expected.json";
    }

    static Map<String, Engine> engines() {
        return new HashMap<>();
    }

    private Conformance() {}
}
