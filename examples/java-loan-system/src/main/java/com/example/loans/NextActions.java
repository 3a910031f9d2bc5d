package com.example.loans;

import dev.arrears.ArrearsException;
import dev.arrears.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a loan system's collections job does each morning: decide every overdue account under
 * the lender's policy and print the next action the rules allow (or why there is none).
 *
 * <pre>mvn -q -f bindings/java install -DskipTests && mvn -q -f examples/java-loan-system compile exec:java</pre>
 */
public final class NextActions {
    // Decisions are canonical one-line JSON with a fixed field order, so a loan system that has
    // no JSON library at hand can read these few fields with patterns; one that has, parses them.
    private static final Pattern ACCOUNT = Pattern.compile("^\\{\"format\":\"arrears\\.decision/1\",\"account_id\":\"([^\"]*)\"");
    private static final Pattern DPD = Pattern.compile("\"days_past_due\":(-?\\d+)");
    private static final Pattern STAGE = Pattern.compile("\"stage\":\\{\"id\":\"([^\"]*)\"");
    private static final Pattern NEXT = Pattern.compile(
            "\"next_action\":\\{\"action\":\"([^\"]*)\",\"party\":\"([^\"]*)\",\"channel\":\"([^\"]*)\",\"at\":\"([^\"]*)\"");

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "examples/cases");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (String policy : List.of("cn-microloan", "us-reg-f")) {
            try (Engine engine = Engine.of(policy)) {
                System.out.println("policy " + engine.policy());
                for (Path file : files) {
                    System.out.println("  " + file.getFileName() + ": " + nextAction(engine, Files.readString(file)));
                }
                // Bad input is an exception with a stable code and the JSON path at fault.
                try {
                    engine.decide("{\"as_of\":\"yesterday\"}");
                } catch (ArrearsException e) {
                    System.out.println("  a malformed case: " + e.code() + " at " + e.path() + " (" + e.getMessage() + ")");
                }
            }
        }
    }

    static String nextAction(Engine engine, String caseJson) {
        String decision;
        try {
            decision = engine.decide(caseJson);
        } catch (ArrearsException e) {
            return "refused: " + e.toJson();
        }
        String account = find(ACCOUNT, decision, 1);
        String head = "account " + account + ", " + find(DPD, decision, 1) + " days past due, stage " + find(STAGE, decision, 1);
        Matcher next = NEXT.matcher(decision);
        if (!next.find()) {
            return head + "; no action is allowed now";
        }
        return head + "; next: " + next.group(1) + " the " + next.group(2) + " on " + next.group(3) + " at " + next.group(4);
    }

    private static String find(Pattern p, String text, int group) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(group) : "?";
    }

    private NextActions() {}
}
