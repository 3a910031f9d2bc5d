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
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shared conformance corpus: each case's output must equal its expected output byte for byte
 * (expected.json and expected.prose joined), and the claims its meta.json states under "expect" must hold. A case whose meta.json sets
 * "plan_days" is planned over that many days instead of decided.
 */
final class Conformance {
    static final Path CORPUS = Path.of(System.getProperty("arrears.corpus", "../../tests/conformance"));

    /** One corpus case; {@code planDays} is null for a decision, the horizon for a plan case. */
    record Case(String name, String policy, String input, String expected, List<Object> claims, Integer planDays) {}

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
                @SuppressWarnings("unchecked")
                List<Object> claims = (List<Object>) meta.getOrDefault("expect", List.of());
                Integer planDays = meta.get("plan_days") instanceof BigDecimal days ? days.intValueExact() : null;
                cases.add(new Case(dir.getFileName().toString(), policy, read(dir.resolve("case.json")),
                        joinExpected(read(dir.resolve("expected.json")), read(dir.resolve("expected.prose"))),
                        claims, planDays));
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

    /**
     * Why an output differs from the expected bytes (null when identical). Where expected.json
     * holds "digest":"@digest", the real digest is checked against digests.json (when present)
     * and then stands in as @digest.
     */
    static String compare(Path root, Case c, String output) throws IOException {
        String want = c.expected().endsWith("\n") ? c.expected().substring(0, c.expected().length() - 1) : c.expected();
        if (want.contains("\"digest\":\"@digest\"")) {
            Matcher m = DIGEST.matcher(output);
            Path digests = root.resolve("digests.json");
            if (m.find() && Files.exists(digests)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> known = (Map<String, Object>) Json.parse(read(digests));
                @SuppressWarnings("unchecked")
                Map<String, Object> meta = (Map<String, Object>) Json.parse(read(root.resolve("cases").resolve(c.name()).resolve("meta.json")));
                Object expected = known.get((String) meta.get("policy"));
                if (expected instanceof Map<?, ?> byVersion) {
                    // A file of dated versions: one digest per version, the output names its own.
                    @SuppressWarnings("unchecked")
                    Map<String, Object> decision = (Map<String, Object>) Json.parse(output);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> policy = (Map<String, Object>) decision.get("policy");
                    expected = byVersion.get(policy.get("version"));
                }
                String found = m.group().substring("\"digest\":\"".length(), m.group().length() - 1);
                if (expected != null && !expected.equals(found)) {
                    return "digest " + found + ", digests.json says " + expected;
                }
            }
            output = DIGEST.matcher(output).replaceAll("\"digest\":\"@digest\"");
        }
        return output.equals(want) ? null : "output differs from expected.json";
    }

    /** The failed claims of a case against its output, each naming the case, the path and what was found. */
    static List<String> check(Case c, String output) {
        Object doc = Json.parse(output);
        List<String> failed = new ArrayList<>();
        for (Object o : c.claims()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> claim = (Map<String, Object>) o;
            String at = (String) claim.get("at");
            String why = checkClaim(claim, doc);
            if (why != null) {
                failed.add(c.name() + ": " + at + ": " + why);
            }
        }
        return failed;
    }

    private static final Object UNRESOLVED = new Object();

    private static String checkClaim(Map<String, Object> claim, Object doc) {
        String[] why = new String[1];
        Object found = resolve(doc, segments((String) claim.get("at")), why);
        boolean resolved = found != UNRESOLVED;
        if (claim.containsKey("is")) {
            if (!resolved) {
                return "does not resolve: " + why[0];
            }
            return equal(found, claim.get("is")) ? null : "is " + found + ", the claim says " + claim.get("is");
        }
        boolean lacks = claim.containsKey("lacks");
        if (!lacks && !claim.containsKey("has")) {
            return "a claim needs \"is\", \"has\" or \"lacks\"";
        }
        Object want = claim.get(lacks ? "lacks" : "has");
        if (!resolved) {
            return lacks ? null : "does not resolve: " + why[0];
        }
        if (!(found instanceof List<?> list)) {
            return "is " + found + ", not a list";
        }
        boolean contains = list.stream().anyMatch(v -> equal(v, want));
        return contains == lacks ? "the list " + list + (contains ? " contains " : " lacks ") + want : null;
    }

    /** A path's segments: split on the dots outside brackets, as selector values are rule ids, which hold dots. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '.' && depth == 0) {
                out.add(path.substring(start, i));
                start = i + 1;
            }
        }
        out.add(path.substring(start));
        return out;
    }

    private static Object resolve(Object v, List<String> segments, String[] why) {
        if (segments.isEmpty()) {
            return v;
        }
        String seg = segments.get(0);
        String name = seg;
        String selector = null;
        int open = seg.indexOf('[');
        if (open >= 0 && seg.endsWith("]")) {
            name = seg.substring(0, open);
            selector = seg.substring(open + 1, seg.length() - 1);
        }
        if (!(v instanceof Map<?, ?> obj)) {
            why[0] = seg + ": " + v + " is not an object";
            return UNRESOLVED;
        }
        if (!obj.containsKey(name)) {
            why[0] = "no field \"" + name + "\"";
            return UNRESOLVED;
        }
        Object field = obj.get(name);
        List<String> rest = segments.subList(1, segments.size());
        if (selector == null) {
            return resolve(field, rest, why);
        }
        if (!(field instanceof List<?> list)) {
            why[0] = name + " is " + field + ", not a list";
            return UNRESOLVED;
        }
        if (selector.equals("*")) {
            List<Object> out = new ArrayList<>();
            for (Object el : list) {
                Object r = resolve(el, rest, new String[1]);
                if (r != UNRESOLVED) {
                    out.add(r);
                }
            }
            return out;
        }
        if (selector.matches("[0-9]+")) {
            int i = Integer.parseInt(selector);
            if (i >= list.size()) {
                why[0] = name + " has " + list.size() + " elements, no [" + i + "]";
                return UNRESOLVED;
            }
            return resolve(list.get(i), rest, why);
        }
        List<Object> matches = new ArrayList<>();
        for (Object el : list) {
            if (matchesAll(el, selector)) {
                matches.add(el);
            }
        }
        if (matches.size() != 1) {
            why[0] = matches.size() + " elements of " + name + " match [" + selector + "]";
            return UNRESOLVED;
        }
        return resolve(matches.get(0), rest, why);
    }

    private static boolean matchesAll(Object el, String selector) {
        if (!(el instanceof Map<?, ?> obj)) {
            return false;
        }
        for (String cond : selector.split(",")) {
            int eq = cond.indexOf('=');
            if (eq < 0 || !obj.containsKey(cond.substring(0, eq))) {
                return false;
            }
            Object field = obj.get(cond.substring(0, eq));
            String text = field instanceof BigDecimal n ? n.toString() : String.valueOf(field);
            if (!text.equals(cond.substring(eq + 1))) {
                return false;
            }
        }
        return true;
    }

    /** JSON deep equality; numbers compare by value (23 equals 23.0). */
    static boolean equal(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Object k : x.keySet()) {
                if (!equal(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    static Map<String, Engine> engines() {
        return new HashMap<>();
    }

    private Conformance() {}
}
