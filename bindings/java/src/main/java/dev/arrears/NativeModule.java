package dev.arrears;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The native library (the plain module's crate built as a shared library: the same exports and
 * protocol, docs/abi.md) through JNI: this is the Java 17-21 version of the class, where the
 * Foreign Function and Memory API does not exist. The library carries a JNI entry point for each
 * export ({@code bindings/module/src/jni.rs}), so no C compiler or glue library is involved. The
 * jar's Java 22 version ({@code META-INF/versions/22}) replaces this class on Java 22 and later.
 *
 * <p>Opt-in only: Chicory stays the default on Java 17-21, and the library is loaded only when the
 * system property {@code arrears.runtime} is {@code native}. It is found as the Java 22 class
 * finds it ({@link LibraryFile#loadNative}: {@code arrears.native.path}, else the jar's library
 * through the cache and its recorded digest), loaded once per JVM, and its state is one for the
 * process (it locks it itself), so every engine shares one {@link Abi}.
 */
final class NativeModule {
    /** The library loaded, or why it could not be, decided once per JVM. */
    private static final class Loaded {
        static final Abi LIBRARY;
        static final String PROBLEM;

        static {
            Abi library = null;
            String problem;
            try {
                problem = obstacle();
                if (problem == null) {
                    library = LibraryFile.loadNative(NativeModule::library);
                }
            } catch (IOException | RuntimeException e) {
                problem = "the native library did not load: " + e;
            }
            LIBRARY = library;
            PROBLEM = problem;
        }
    }

    /** Why the native library cannot be used on this JVM, or null when it can. */
    static String unavailable() {
        return Loaded.PROBLEM;
    }

    /** The one {@link Abi} over the native library; see {@link #unavailable()} first. */
    static Abi load() {
        if (Loaded.LIBRARY == null) {
            throw new IllegalStateException(Loaded.PROBLEM);
        }
        return Loaded.LIBRARY;
    }

    /** What stops the library loading before it is tried, or null. */
    private static String obstacle() {
        if (!"native".equals(System.getProperty(Engine.RUNTIME_PROPERTY))) {
            return "on Java 17-21 the native library is used through JNI only with -D" + Engine.RUNTIME_PROPERTY
                    + "=native (this JVM is Java " + Runtime.version().feature() + "; on Java 22+ it is the default with native access)";
        }
        return LibraryFile.noNativeLibrary();
    }

    /**
     * Loads the library at {@code file} into this JVM for JNI. An {@link UnsatisfiedLinkError} (no
     * such file, another platform's, one built without the JNI entry points) becomes an
     * {@link IllegalStateException}, so {@link LibraryFile#withLibrary} can try its temporary copy
     * and the reason ends up in {@link #unavailable()}.
     */
    private static Abi library(Path file) {
        try {
            System.load(file.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        try {
            // An entry point is looked up on its first call: one call now, so a library without
            // them is refused here rather than in the middle of an engine's first call.
            resultLen(0);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException(file + " has no JNI entry points (a library built before them?): " + e.getMessage(), e);
        }
        return new Jni();
    }

    /** The exports' JNI entry points: each calls the C export of the same name. */
    private static final class Jni implements Abi {
        @Override
        public String runtime() {
            return "native";
        }

        @Override
        public long alloc(long len) {
            return NativeModule.alloc(len);
        }

        @Override
        public void free(long ptr, long len) {
            NativeModule.free(ptr, len);
        }

        @Override
        public void write(long ptr, byte[] bytes) {
            NativeModule.write(ptr, bytes);
        }

        @Override
        public void writeIntLE(long ptr, int value) {
            NativeModule.writeIntLE(ptr, value);
        }

        @Override
        public byte[] read(long ptr, long len) {
            return NativeModule.read(ptr, len);
        }

        @Override
        public int engineNew(long ptr, long len) {
            return NativeModule.engineNew(ptr, len);
        }

        @Override
        public int resultEngine(int result) {
            return NativeModule.resultEngine(result);
        }

        @Override
        public int decide(int engine, long ptr, long len) {
            return NativeModule.decide(engine, ptr, len);
        }

        @Override
        public int decideBatch(int engine, long ptr, long len) {
            return NativeModule.decideBatch(engine, ptr, len);
        }

        @Override
        public int plan(int engine, long ptr, long len, int days) {
            return NativeModule.plan(engine, ptr, len, days);
        }

        @Override
        public int importFineract(long ptr, long len, long datePtr, long dateLen, long zonePtr, long zoneLen) {
            return NativeModule.importFineract(ptr, len, datePtr, dateLen, zonePtr, zoneLen);
        }

        @Override
        public long resultPtr(int result) {
            return NativeModule.resultPtr(result);
        }

        @Override
        public long resultLen(int result) {
            return NativeModule.resultLen(result);
        }

        @Override
        public boolean resultOk(int result) {
            return NativeModule.resultOk(result);
        }

        @Override
        public void resultFree(int result) {
            NativeModule.resultFree(result);
        }

        @Override
        public void engineDrop(int engine) {
            NativeModule.engineDrop(engine);
        }
    }

    // The library's JNI entry points (Java_dev_arrears_NativeModule_*). write, writeIntLE and read
    // copy only within memory the library allocated (or a result's text); any other range is an
    // IllegalArgumentException, never a stray access.
    private static native long alloc(long len);

    private static native void free(long ptr, long len);

    private static native void write(long ptr, byte[] bytes);

    private static native void writeIntLE(long ptr, int value);

    private static native byte[] read(long ptr, long len);

    private static native int engineNew(long ptr, long len);

    private static native int resultEngine(int result);

    private static native int decide(int engine, long ptr, long len);

    private static native int decideBatch(int engine, long ptr, long len);

    private static native int plan(int engine, long ptr, long len, int days);

    private static native int importFineract(long ptr, long len, long datePtr, long dateLen, long zonePtr, long zoneLen);

    private static native long resultPtr(int result);

    private static native long resultLen(int result);

    private static native boolean resultOk(int result);

    private static native void resultFree(int result);

    private static native void engineDrop(int engine);

    private NativeModule() {}
}
