package dev.arrears;

/**
 * Prints which runtime an engine gets in this JVM (its flags and system properties as given), or
 * the message of the error that refused it: for {@link RuntimeTest}'s fresh JVMs.
 */
public final class RuntimeProbe {
    public static void main(String[] args) {
        try (Engine engine = Engine.of("cn-microloan")) {
            System.out.println(engine.runtime());
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }

    private RuntimeProbe() {}
}
