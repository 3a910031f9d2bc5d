package dev.arrears;

/**
 * One copy of the arrears ABI to call (docs/abi.md): the WebAssembly module in a Chicory instance,
 * or the native library, through the Foreign Function and Memory API on Java 22+ or through its JNI
 * entry points on Java 17-21. The exports are the same in all; addresses and lengths are {@code long} here because the native library's are
 * the machine's pointer width (the module's are {@code i32}). Engines and results are {@code int}
 * handles in both.
 */
interface Abi {
    /** {@code "wasm"} or {@code "native"}: what {@link Engine#runtime()} reports. */
    String runtime();

    long alloc(long len);

    void free(long ptr, long len);

    void write(long ptr, byte[] bytes);

    /** Writes {@code value} little-endian, as the batch records' lengths are. */
    void writeIntLE(long ptr, int value);

    byte[] read(long ptr, long len);

    int engineNew(long ptr, long len);

    int resultEngine(int result);

    int decide(int engine, long ptr, long len);

    int decideBatch(int engine, long ptr, long len);

    int plan(int engine, long ptr, long len, int days);

    int importFineract(long ptr, long len, long datePtr, long dateLen, long zonePtr, long zoneLen);

    long resultPtr(int result);

    long resultLen(int result);

    boolean resultOk(int result);

    void resultFree(int result);

    void engineDrop(int engine);
}
