package dev.arrears;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The native library (the plain module's crate built as a shared library: the same exports and
 * protocol, docs/abi.md) through the Foreign Function and Memory API. This is the Java 22 version
 * of the class, in the jar's {@code META-INF/versions/22}; Java 17-21 sees one that reaches the
 * same library through JNI, when asked to.
 *
 * <p>The library is loaded once per JVM and its state is one for the process (it locks it itself),
 * so every engine shares one {@link Abi}: a handle made on one thread is good on every other.
 * Memory is the library's: inputs are allocated with {@code arrears_alloc} and results are its own
 * until freed, so no arena of ours owns any of it; the library's symbols live in the global arena,
 * for the life of the JVM.
 */
final class NativeModule {
    /** The library loaded, or why it could not be, decided once per JVM. */
    private static final class Loaded {
        static final Library LIBRARY;
        static final String PROBLEM;

        static {
            Library library = null;
            String problem;
            try {
                problem = obstacle();
                if (problem == null) {
                    library = LibraryFile.loadNative(Library::new);
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
        if (!NativeModule.class.getModule().isNativeAccessEnabled()) {
            return "native access is not enabled for the arrears library (start the JVM with --enable-native-access="
                    + (NativeModule.class.getModule().isNamed() ? NativeModule.class.getModule().getName() : "ALL-UNNAMED")
                    + ")";
        }
        return LibraryFile.noNativeLibrary();
    }

    /** The exports as downcall handles. */
    private static final class Library implements Abi {
        /** All of the process's memory, to copy to and from the library's addresses by offset. */
        private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        private final Downcall alloc, free, engineNew, resultEngine, decide, decideBatch, plan, importFineract;
        private final Downcall resultPtr, resultLen, resultOk, resultFree, engineDrop;

        /** Loads the library at {@code file} for the life of the JVM and finds its exports. */
        Library(Path file) {
            SymbolLookup symbols = SymbolLookup.libraryLookup(file, Arena.global());
            Linker linker = Linker.nativeLinker();
            // usize is the machine's word: a long on the 64-bit platforms a library is built for.
            MemoryLayout size = JAVA_LONG;
            if (linker.canonicalLayouts().get("size_t").byteSize() != 8) {
                throw new IllegalStateException("the native library is built for 64-bit platforms only");
            }
            alloc = new Downcall(linker, symbols, "arrears_alloc", FunctionDescriptor.of(JAVA_LONG, size));
            free = new Downcall(linker, symbols, "arrears_free", FunctionDescriptor.ofVoid(size, size));
            engineNew = new Downcall(linker, symbols, "arrears_engine_new", FunctionDescriptor.of(JAVA_INT, size, size));
            resultEngine = new Downcall(linker, symbols, "arrears_result_engine", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            decide = new Downcall(linker, symbols, "arrears_decide", FunctionDescriptor.of(JAVA_INT, JAVA_INT, size, size));
            decideBatch = new Downcall(linker, symbols, "arrears_decide_batch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, size, size));
            plan = new Downcall(linker, symbols, "arrears_plan", FunctionDescriptor.of(JAVA_INT, JAVA_INT, size, size, JAVA_INT));
            importFineract = new Downcall(linker, symbols, "arrears_import_fineract",
                    FunctionDescriptor.of(JAVA_INT, size, size, size, size, size, size));
            resultPtr = new Downcall(linker, symbols, "arrears_result_ptr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
            resultLen = new Downcall(linker, symbols, "arrears_result_len", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
            resultOk = new Downcall(linker, symbols, "arrears_result_ok", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            resultFree = new Downcall(linker, symbols, "arrears_result_free", FunctionDescriptor.ofVoid(JAVA_INT));
            engineDrop = new Downcall(linker, symbols, "arrears_engine_drop", FunctionDescriptor.ofVoid(JAVA_INT));
        }

        /**
         * One export, its downcall handle made on the first call: the JDK spends 10-30 ms of a cold
         * JVM generating the code of each new function shape (over 100 ms for the first), and
         * creating an engine calls only six of the library's nine shapes, so a JVM that never
         * plans or imports never pays for those. The export is looked up at once, so a library
         * without it still fails to load rather than on first use.
         */
        private static final class Downcall {
            private final Linker linker;
            private final MemorySegment symbol;
            private final FunctionDescriptor type;
            /** Made at most a few times (threads may race to make it first; any one will do). */
            private volatile MethodHandle handle;

            Downcall(Linker linker, SymbolLookup symbols, String name, FunctionDescriptor type) {
                this.linker = linker;
                this.symbol = symbols.find(name)
                        .orElseThrow(() -> new IllegalStateException("the native library has no export " + name));
                this.type = type;
            }

            MethodHandle get() {
                MethodHandle made = handle;
                if (made == null) {
                    made = linker.downcallHandle(symbol, type);
                    handle = made;
                }
                return made;
            }
        }

        /** A downcall cannot throw a checked exception; anything else it throws is the JVM's. */
        private static RuntimeException failed(Throwable t) {
            if (t instanceof RuntimeException r) {
                return r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            return new IllegalStateException(t);
        }

        @Override
        public String runtime() {
            return "native";
        }

        @Override
        public long alloc(long len) {
            try {
                return (long) alloc.get().invokeExact(len);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public void free(long ptr, long len) {
            try {
                free.get().invokeExact(ptr, len);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public void write(long ptr, byte[] bytes) {
            MemorySegment.copy(bytes, 0, MEMORY, JAVA_BYTE, ptr, bytes.length);
        }

        @Override
        public void writeIntLE(long ptr, int value) {
            MEMORY.set(INT_LE, ptr, value);
        }

        @Override
        public byte[] read(long ptr, long len) {
            byte[] out = new byte[Math.toIntExact(len)];
            MemorySegment.copy(MEMORY, JAVA_BYTE, ptr, out, 0, out.length);
            return out;
        }

        @Override
        public int engineNew(long ptr, long len) {
            try {
                return (int) engineNew.get().invokeExact(ptr, len);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public int resultEngine(int result) {
            try {
                return (int) resultEngine.get().invokeExact(result);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public int decide(int engine, long ptr, long len) {
            try {
                return (int) decide.get().invokeExact(engine, ptr, len);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public int decideBatch(int engine, long ptr, long len) {
            try {
                return (int) decideBatch.get().invokeExact(engine, ptr, len);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public int plan(int engine, long ptr, long len, int days) {
            try {
                return (int) plan.get().invokeExact(engine, ptr, len, days);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public int importFineract(long ptr, long len, long datePtr, long dateLen, long zonePtr, long zoneLen) {
            try {
                return (int) importFineract.get().invokeExact(ptr, len, datePtr, dateLen, zonePtr, zoneLen);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public long resultPtr(int result) {
            try {
                return (long) resultPtr.get().invokeExact(result);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public long resultLen(int result) {
            try {
                return (long) resultLen.get().invokeExact(result);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public boolean resultOk(int result) {
            try {
                return (int) resultOk.get().invokeExact(result) == 1;
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public void resultFree(int result) {
            try {
                resultFree.get().invokeExact(result);
            } catch (Throwable t) {
                throw failed(t);
            }
        }

        @Override
        public void engineDrop(int engine) {
            try {
                engineDrop.get().invokeExact(engine);
            } catch (Throwable t) {
                throw failed(t);
            }
        }
    }

    private NativeModule() {}
}
