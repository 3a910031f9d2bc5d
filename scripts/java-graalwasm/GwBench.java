import org.graalvm.polyglot.*;
import org.graalvm.polyglot.io.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/**
 * The plain module on GraalWasm, one {@code arrears_decide} per case, for BENCHMARKS.md's side by
 * side of Java runtimes (README.md beside this file says how to run it). Arguments: the module,
 * the history sizes ("20,200"), the milliseconds per size, and optionally "inmem" (the cases
 * written into the module's memory once, so only the calls are timed). Cases come from
 * CASES_DIR/cases-N.jsonl (default /tmp/bc). Memory has no bulk write in the polyglot API, so a
 * case goes in eight bytes per call.
 */
public class GwBench {
    static Value ex;
    static Value mem;
    static long put(byte[] b) {
        long p = ex.getMember("arrears_alloc").execute(b.length).asLong();
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        for (; i + 8 <= b.length; i += 8) mem.writeBufferLong(java.nio.ByteOrder.LITTLE_ENDIAN, p + i, bb.getLong(i));
        for (; i < b.length; i++) mem.writeBufferByte(p + i, b[i]);
        return p;
    }
    public static void main(String[] a) throws Exception {
        byte[] wasm = Files.readAllBytes(Path.of(a[0]));
        long t0 = System.nanoTime();
        Context ctx = Context.newBuilder("wasm").option("wasm.Builtins", "").build();
        Source src = Source.newBuilder("wasm", ByteSequence.create(wasm), "arrears").build();
        Value module = ctx.eval(src);
        Value inst = module.newInstance();
        ex = inst.getMember("exports");
        mem = ex.getMember("memory");
        byte[] pol = "cn-microloan".getBytes(StandardCharsets.UTF_8);
        long pp = put(pol);
        long r = ex.getMember("arrears_engine_new").execute((int) pp, pol.length).asLong();
        long h = ex.getMember("arrears_result_engine").execute((int) r).asLong();
        System.err.printf("engine %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        Value decide = ex.getMember("arrears_decide"), free = ex.getMember("arrears_free"),
              rfree = ex.getMember("arrears_result_free"), rlen = ex.getMember("arrears_result_len"),
              rok = ex.getMember("arrears_result_ok");
        long budget = Long.parseLong(a.length > 2 ? a[2] : "10000") * 1_000_000L;
        for (String hist : a[1].split(",")) {
            List<byte[]> cases = new ArrayList<>();
            for (String l : Files.readAllLines(Path.of(System.getenv().getOrDefault("CASES_DIR", "/tmp/bc"), "cases-" + hist + ".jsonl"))) if (!l.isBlank()) cases.add(l.getBytes(StandardCharsets.UTF_8));
            boolean inMem = a.length > 3 && a[3].equals("inmem");
            long[] at = new long[cases.size()];
            if (inMem) for (int k = 0; k < at.length; k++) at[k] = put(cases.get(k));
            long n = 0, start = System.nanoTime(), okc = 0;
            long mark = start; long nmark = 0;
            while (System.nanoTime() - start < budget) {
                for (int k = 0; k < cases.size(); k++) {
                    byte[] c = cases.get(k);
                    long p = inMem ? at[k] : put(c);
                    long res = decide.execute((int) h, (int) p, c.length).asLong();
                    if (!inMem) free.execute((int) p, c.length);
                    okc += rok.execute((int) res).asLong();
                    rlen.execute((int) res);
                    rfree.execute((int) res);
                    n++;
                }
                long now = System.nanoTime();
                if (now - mark > 1_000_000_000L) {
                    System.err.printf("  %s events: %.0f/s in the last second%n", hist, (n - nmark) / ((now - mark) / 1e9));
                    mark = now; nmark = n;
                }
            }
            System.out.printf("%s events: %.0f decisions/s over %d s (ok %d of %d)%n", hist, n / ((System.nanoTime() - start) / 1e9), budget / 1_000_000_000L, okc, n);
        }
    }
}
