package dev.arrears;

/**
 * The native library through the Foreign Function and Memory API: this is the Java 17 version of
 * the class, where that API does not exist. The jar's Java 22 version ({@code
 * META-INF/versions/22}) replaces it on Java 22 and later.
 */
final class NativeModule {
    /** Why the native library cannot be used on this JVM. */
    static String unavailable() {
        return "the native library needs Java 22 or later (the Foreign Function and Memory API), and this JVM is Java "
                + Runtime.version().feature();
    }

    /** Never returns here: see {@link #unavailable()}. */
    static Abi load() {
        throw new IllegalStateException(unavailable());
    }

    private NativeModule() {}
}
