package dev.arrears;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * The ABI in one instance of the WebAssembly module, run by Chicory: pure Java, on every JVM from
 * 17. Each engine has its own instance, so a trap (which leaves an instance's state unknown) costs
 * only that engine, which starts a fresh one.
 */
final class ChicoryAbi implements Abi {
    /**
     * The module compiled to JVM bytecode at build time, loaded by the first engine that runs on
     * Chicory (a few hundred ms on a cold JVM), and never when the native library is in use.
     */
    private static final class Compiled {
        static final WasmModule MODULE = ArrearsModule.load();
    }

    /** A fresh instance of the compiled module. */
    static ChicoryAbi compiled() {
        return new ChicoryAbi(Instance.builder(Compiled.MODULE).withMachineFactory(ArrearsModule::create).build());
    }

    private final Memory memory;
    private final ExportFunction alloc, free, engineNew, resultEngine, decide, decideBatch, plan, importFineract;
    private final ExportFunction resultPtr, resultLen, resultOk, resultFree, engineDrop;

    ChicoryAbi(Instance instance) {
        memory = instance.memory();
        alloc = instance.export("arrears_alloc");
        free = instance.export("arrears_free");
        engineNew = instance.export("arrears_engine_new");
        resultEngine = instance.export("arrears_result_engine");
        decide = instance.export("arrears_decide");
        decideBatch = instance.export("arrears_decide_batch");
        plan = instance.export("arrears_plan");
        importFineract = instance.export("arrears_import_fineract");
        resultPtr = instance.export("arrears_result_ptr");
        resultLen = instance.export("arrears_result_len");
        resultOk = instance.export("arrears_result_ok");
        resultFree = instance.export("arrears_result_free");
        engineDrop = instance.export("arrears_engine_drop");
    }

    @Override
    public String runtime() {
        return "wasm";
    }

    /** The module's i32 results, read as unsigned as docs/abi.md says. */
    private static long unsigned(long[] results) {
        return results[0] & 0xffff_ffffL;
    }

    @Override
    public long alloc(long len) {
        return unsigned(alloc.apply(len));
    }

    @Override
    public void free(long ptr, long len) {
        free.apply(ptr, len);
    }

    @Override
    public void write(long ptr, byte[] bytes) {
        memory.write((int) ptr, bytes);
    }

    @Override
    public void writeIntLE(long ptr, int value) {
        memory.writeI32((int) ptr, value);
    }

    @Override
    public byte[] read(long ptr, long len) {
        return memory.readBytes((int) ptr, (int) len);
    }

    @Override
    public int engineNew(long ptr, long len) {
        return (int) engineNew.apply(ptr, len)[0];
    }

    @Override
    public int resultEngine(int result) {
        return (int) resultEngine.apply(result)[0];
    }

    @Override
    public int decide(int engine, long ptr, long len) {
        return (int) decide.apply(engine, ptr, len)[0];
    }

    @Override
    public int decideBatch(int engine, long ptr, long len) {
        return (int) decideBatch.apply(engine, ptr, len)[0];
    }

    @Override
    public int plan(int engine, long ptr, long len, int days) {
        return (int) plan.apply(engine, ptr, len, Integer.toUnsignedLong(days))[0];
    }

    @Override
    public int importFineract(long ptr, long len, long datePtr, long dateLen, long zonePtr, long zoneLen) {
        return (int) importFineract.apply(ptr, len, datePtr, dateLen, zonePtr, zoneLen)[0];
    }

    @Override
    public long resultPtr(int result) {
        return unsigned(resultPtr.apply(result));
    }

    @Override
    public long resultLen(int result) {
        return unsigned(resultLen.apply(result));
    }

    @Override
    public boolean resultOk(int result) {
        return resultOk.apply(result)[0] == 1;
    }

    @Override
    public void resultFree(int result) {
        resultFree.apply(result);
    }

    @Override
    public void engineDrop(int engine) {
        engineDrop.apply(engine);
    }
}
