import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * The same scenarios as jute.bench.ts, run through Apache ZooKeeper's own Java jute, for a
 * like-for-like comparison. Run with benchmarks/jute-java.sh (npm run bench:jute:java).
 *
 * "encode" builds a fresh ByteArrayOutputStream and copies the bytes out, as ZooKeeper's
 * ServerCnxn does per response; "encode, reused" resets one stream, as the TS benchmark
 * reuses one archive. Decoding wraps the bytes in a fresh BinaryInputArchive per message
 * and builds fresh records, as ZooKeeper's request path does.
 */
public final class JuteBench {
    interface Factory {
        Record[] make();
    }

    static final class Scenario {
        final String name;
        final Record[] records;
        final Factory blank;

        Scenario(String name, Record[] records, Factory blank) {
            this.name = name;
            this.records = records;
            this.blank = blank;
        }
    }

    // Results land here so the JIT cannot drop the work.
    static long sink;
    static Object keep;

    public static void main(String[] args) throws IOException {
        double seconds = arg(args, "--seconds", 3);
        int rounds = (int) Math.max(1, arg(args, "--rounds", 5));
        double warmup = arg(args, "--warmup", 3);

        byte[] kib = new byte[1024];
        Arrays.fill(kib, (byte) 0x5a);
        Stat stat = new Stat(0x100000005L, 0x1000003e8L, 1_700_000_000_000L, 1_700_000_123_456L,
                17, 0, 0, 0L, 1024, 0, 0x100000005L);
        List<ACL> acl = new ArrayList<>(Collections.singletonList(new ACL(31, new Id("world", "anyone"))));

        Scenario[] scenarios = {
            new Scenario("RequestHeader + GetDataRequest",
                new Record[] {new RequestHeader(42, 4), new GetDataRequest("/app/config/service-a", true)},
                () -> new Record[] {new RequestHeader(), new GetDataRequest()}),
            new Scenario("ReplyHeader + GetDataResponse 1 KiB",
                new Record[] {new ReplyHeader(42, 0x1000003e8L, 0), new GetDataResponse(kib, stat)},
                () -> new Record[] {new ReplyHeader(), new GetDataResponse()}),
            new Scenario("SetDataRequest 1 KiB",
                new Record[] {new SetDataRequest("/app/config/service-a", kib, 16)},
                () -> new Record[] {new SetDataRequest()}),
            new Scenario("TxnHeader + CreateTxn",
                new Record[] {new TxnHeader(0x0100000000000a5L, 7, 0x100000006L, 1_700_000_000_000L, 1),
                    new CreateTxn("/app/locks/lock-0000000042", "host-1".getBytes("UTF-8"), acl, true, 42)},
                () -> new Record[] {new TxnHeader(), new CreateTxn()}),
        };

        System.out.printf(Locale.ROOT, "jute serde, Java %s (ZooKeeper's jute): best of %d rounds in %s s per row, after %s s warm-up%n%n",
            System.getProperty("java.version"), rounds, fmtSeconds(seconds), fmtSeconds(warmup));
        List<String[]> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
            Op encodeFresh = () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BinaryOutputArchive a = BinaryOutputArchive.getArchive(out);
                for (Record r : s.records) r.serialize(a, "");
                sink += out.toByteArray().length;
            };
            ByteArrayOutputStream baos = new ByteArrayOutputStream(256);
            BinaryOutputArchive oa = BinaryOutputArchive.getArchive(baos);
            Op encodeReused = () -> {
                baos.reset();
                for (Record r : s.records) r.serialize(oa, "");
                sink += baos.size();
            };
            encodeReused.run();
            byte[] bytes = baos.toByteArray();
            Op decode = () -> {
                BinaryInputArchive ia = BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes));
                for (Record r : s.blank.make()) {
                    r.deserialize(ia, "");
                    keep = r;
                }
            };
            rows.add(row(s, "encode", encodeFresh, bytes.length, seconds, rounds, warmup));
            rows.add(row(s, "encode, reused", encodeReused, bytes.length, seconds, rounds, warmup));
            rows.add(row(s, "decode", decode, bytes.length, seconds, rounds, warmup));
        }
        printTable(rows);
        if (sink == 42) System.out.println();
    }

    interface Op {
        void run() throws IOException;
    }

    static String[] row(Scenario s, String op, Op fn, int bytes, double seconds, int rounds, double warmup)
            throws IOException {
        measure(fn, warmup);
        double perSec = 0;
        for (int i = 0; i < rounds; i++) perSec = Math.max(perSec, measure(fn, seconds / rounds));
        return new String[] {
            s.name, op, fmt(bytes), fmt(Math.round(perSec)), fmt(Math.round(perSec * s.records.length)),
            fmt(Math.round(perSec * bytes / 1048576)), fmt(Math.round(1e9 / perSec)),
        };
    }

    static double measure(Op fn, double seconds) throws IOException {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long ops = 0;
        long elapsed;
        do {
            for (int i = 0; i < 2000; i++) fn.run();
            ops += 2000;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        return ops * 1e9 / elapsed;
    }

    static void printTable(List<String[]> rows) {
        String[] cols = {"scenario", "op", "bytes/msg", "msgs/s", "records/s", "MiB/s", "ns/msg"};
        int[] w = new int[cols.length];
        for (int i = 0; i < cols.length; i++) {
            w[i] = cols[i].length();
            for (String[] r : rows) w[i] = Math.max(w[i], r[i].length());
        }
        System.out.println(line(cols, w));
        StringBuilder sep = new StringBuilder("|");
        for (int i = 0; i < w.length; i++) {
            sep.append(i < 2 ? "-".repeat(w[i] + 2) : "-".repeat(w[i] + 1) + ":").append('|');
        }
        System.out.println(sep);
        for (String[] r : rows) System.out.println(line(r, w));
    }

    static String line(String[] vals, int[] w) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < vals.length; i++) {
            String pad = " ".repeat(w[i] - vals[i].length());
            b.append(' ').append(i < 2 ? vals[i] + pad : pad + vals[i]).append(" |");
        }
        return b.toString();
    }

    static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String fmtSeconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    static double arg(String[] args, String name, double fallback) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return Double.parseDouble(args[i + 1]);
        return fallback;
    }
}
