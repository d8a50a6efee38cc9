/*
 * GoldenGen: writes golden jute byte vectors using Apache ZooKeeper's own jars.
 *
 * Compiled and run by generate.sh (plain javac, no build tool). It
 *   1. scans the given jars for jute-generated record classes (classes that
 *      implement org.apache.jute.Record AND declare a public static
 *      String signature()) in the packages listed in PACKAGES;
 *   2. derives each record's field list (names, order, types) from the class
 *      itself: the order and names come from tracing the class's generated
 *      serialize() through a recording OutputArchive (the generated code
 *      passes each field name as the tag), the types from the declared Java
 *      fields; the result is cross-checked against the declared field order
 *      and against the class's static signature();
 *   3. optionally (--jute FILE) parses a zookeeper.jute with jute's own
 *      parser (org.apache.jute.compiler.generated.Rcc) and reports every
 *      difference between that file and the jar catalog (this never changes
 *      the output; it is only a diagnostic);
 *   4. builds several deterministic instances per class, serializes each with
 *      org.apache.jute.BinaryOutputArchive, checks that each round-trips
 *      through BinaryInputArchive + deserialize(), and writes records.json;
 *   5. writes strings.json: how BinaryOutputArchive.writeString encodes a few
 *      notable strings and what BinaryInputArchive.readString decodes them to.
 *
 * Usage:
 *   java -cp <classes>:<zookeeper jars> GoldenGen --out records.json
 *        --strings-out strings.json --scan zookeeper-jute.jar [--scan zookeeper.jar]
 *        [--jute zookeeper.jute]
 *
 * Any inconsistency (schema mismatch, failed round trip, ...) makes the
 * program exit non-zero without writing output.
 */

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;

public final class GoldenGen {

    /** Packages whose jute records are covered (exact package match). */
    static final List<String> PACKAGES = Arrays.asList(
            "org.apache.zookeeper.data",
            "org.apache.zookeeper.proto",
            "org.apache.zookeeper.txn",
            "org.apache.zookeeper.server.persistence",
            "org.apache.zookeeper.server.quorum");

    // ------------------------------------------------------------------
    // Jute type model
    // ------------------------------------------------------------------

    enum Kind { BYTE, BOOLEAN, INT, LONG, FLOAT, DOUBLE, USTRING, BUFFER, VECTOR, MAP, RECORD }

    static final class JType {
        final Kind kind;
        final JType elem;   // VECTOR element, MAP key
        final JType value;  // MAP value
        final Class<?> recordClass; // RECORD

        JType(Kind kind, JType elem, JType value, Class<?> recordClass) {
            this.kind = kind;
            this.elem = elem;
            this.value = value;
            this.recordClass = recordClass;
        }

        static JType of(Kind k) {
            return new JType(k, null, null, null);
        }

        /** Type name as written in a .jute file. */
        String juteName() {
            switch (kind) {
                case BYTE: return "byte";
                case BOOLEAN: return "boolean";
                case INT: return "int";
                case LONG: return "long";
                case FLOAT: return "float";
                case DOUBLE: return "double";
                case USTRING: return "ustring";
                case BUFFER: return "buffer";
                case VECTOR: return "vector<" + elem.juteName() + ">";
                case MAP: return "map<" + elem.juteName() + "," + value.juteName() + ">";
                case RECORD: return recordClass.getName();
                default: throw new IllegalStateException();
            }
        }

        /** Signature in the format of the generated static signature() methods. */
        String signature() {
            switch (kind) {
                case BYTE: return "b";
                case BOOLEAN: return "z";
                case INT: return "i";
                case LONG: return "l";
                case FLOAT: return "f";
                case DOUBLE: return "d";
                case USTRING: return "s";
                case BUFFER: return "B";
                case VECTOR: return "[" + elem.signature() + "]";
                case MAP: return "{" + elem.signature() + value.signature() + "}";
                case RECORD: return schemaOf(recordClass).signature();
                default: throw new IllegalStateException();
            }
        }
    }

    static JType typeOf(Type t, String where) {
        if (t == int.class) return JType.of(Kind.INT);
        if (t == long.class) return JType.of(Kind.LONG);
        if (t == boolean.class) return JType.of(Kind.BOOLEAN);
        if (t == byte.class) return JType.of(Kind.BYTE);
        if (t == float.class) return JType.of(Kind.FLOAT);
        if (t == double.class) return JType.of(Kind.DOUBLE);
        if (t == String.class) return JType.of(Kind.USTRING);
        if (t == byte[].class) return JType.of(Kind.BUFFER);
        if (t instanceof Class && Record.class.isAssignableFrom((Class<?>) t)) {
            return new JType(Kind.RECORD, null, null, (Class<?>) t);
        }
        if (t instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) t;
            Type raw = p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class || raw == java.util.ArrayList.class) {
                return new JType(Kind.VECTOR, typeOf(args[0], where), null, null);
            }
            if (raw == TreeMap.class || raw == Map.class || raw == java.util.SortedMap.class) {
                return new JType(Kind.MAP, typeOf(args[0], where), typeOf(args[1], where), null);
            }
        }
        throw new IllegalStateException("unsupported Java type " + t + " at " + where);
    }

    // ------------------------------------------------------------------
    // Record schema (derived from the class)
    // ------------------------------------------------------------------

    static final class FieldSpec {
        final String name;
        final JType type;
        final Field field;

        FieldSpec(String name, JType type, Field field) {
            this.name = name;
            this.type = type;
            this.field = field;
        }
    }

    static final class Schema {
        final Class<?> cls;
        final List<FieldSpec> fields;
        final String classSignature; // from the class's static signature()
        final Constructor<?> allArgs;

        Schema(Class<?> cls, List<FieldSpec> fields, String classSignature, Constructor<?> allArgs) {
            this.cls = cls;
            this.fields = fields;
            this.classSignature = classSignature;
            this.allArgs = allArgs;
        }

        String signature() {
            StringBuilder sb = new StringBuilder("L").append(cls.getSimpleName()).append('(');
            for (FieldSpec f : fields) sb.append(f.type.signature());
            return sb.append(')').toString();
        }
    }

    static final Map<Class<?>, Schema> SCHEMAS = new LinkedHashMap<>();

    static Schema schemaOf(Class<?> cls) {
        Schema s = SCHEMAS.get(cls);
        if (s == null) {
            s = buildSchema(cls);
            SCHEMAS.put(cls, s);
        }
        return s;
    }

    /** One call made by a generated serialize() on its own (top-level) fields. */
    static final class TraceEntry {
        final String method;
        final String tag;

        TraceEntry(String method, String tag) {
            this.method = method;
            this.tag = tag;
        }
    }

    /**
     * Records the write calls a generated serialize() makes for its own fields.
     * Nested records are not descended into; vector/map contents are skipped.
     */
    static final class TracingOutputArchive implements OutputArchive {
        final List<TraceEntry> calls = new ArrayList<>();
        int recordDepth = 0;
        int containerDepth = 0;

        private void add(String method, String tag) {
            if (recordDepth == 1 && containerDepth == 0) calls.add(new TraceEntry(method, tag));
        }

        public void writeByte(byte b, String tag) { add("writeByte", tag); }
        public void writeBool(boolean b, String tag) { add("writeBool", tag); }
        public void writeInt(int i, String tag) { add("writeInt", tag); }
        public void writeLong(long l, String tag) { add("writeLong", tag); }
        public void writeFloat(float f, String tag) { add("writeFloat", tag); }
        public void writeDouble(double d, String tag) { add("writeDouble", tag); }
        public void writeString(String s, String tag) { add("writeString", tag); }
        public void writeBuffer(byte[] buf, String tag) { add("writeBuffer", tag); }
        public void writeRecord(Record r, String tag) { add("writeRecord", tag); }
        public void startRecord(Record r, String tag) { recordDepth++; }
        public void endRecord(Record r, String tag) { recordDepth--; }
        public void startVector(List<?> v, String tag) { add("startVector", tag); containerDepth++; }
        public void endVector(List<?> v, String tag) { containerDepth--; }
        public void startMap(TreeMap<?, ?> v, String tag) { add("startMap", tag); containerDepth++; }
        public void endMap(TreeMap<?, ?> v, String tag) { containerDepth--; }
    }

    static String expectedTraceMethod(Kind k) {
        switch (k) {
            case BYTE: return "writeByte";
            case BOOLEAN: return "writeBool";
            case INT: return "writeInt";
            case LONG: return "writeLong";
            case FLOAT: return "writeFloat";
            case DOUBLE: return "writeDouble";
            case USTRING: return "writeString";
            case BUFFER: return "writeBuffer";
            case VECTOR: return "startVector";
            case MAP: return "startMap";
            case RECORD: return "writeRecord";
            default: throw new IllegalStateException();
        }
    }

    static Schema buildSchema(Class<?> cls) {
        String where = cls.getName();
        // 1. field order + names from the generated serialize()
        TracingOutputArchive trace = new TracingOutputArchive();
        try {
            Record blank = (Record) cls.getConstructor().newInstance();
            blank.serialize(trace, "");
        } catch (Exception e) {
            throw new IllegalStateException("cannot trace serialize() of " + where, e);
        }
        if (trace.recordDepth != 0 || trace.containerDepth != 0) {
            throw new IllegalStateException("unbalanced serialize() trace for " + where);
        }
        // 2. declared instance fields (declaration order, as reported by reflection)
        List<Field> declared = new ArrayList<>();
        for (Field f : cls.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) declared.add(f);
        }
        if (declared.size() != trace.calls.size()) {
            throw new IllegalStateException(where + ": serialize() writes " + trace.calls.size()
                    + " fields but the class declares " + declared.size());
        }
        List<FieldSpec> fields = new ArrayList<>();
        for (int i = 0; i < trace.calls.size(); i++) {
            TraceEntry te = trace.calls.get(i);
            Field f = declared.get(i);
            if (!f.getName().equals(te.tag)) {
                throw new IllegalStateException(where + ": field #" + i + " is '" + f.getName()
                        + "' in declaration order but serialize() writes '" + te.tag + "'");
            }
            JType t = typeOf(f.getGenericType(), where + "." + f.getName());
            if (!expectedTraceMethod(t.kind).equals(te.method)) {
                throw new IllegalStateException(where + "." + f.getName() + ": Java type "
                        + t.juteName() + " but serialize() calls " + te.method);
            }
            f.setAccessible(true);
            fields.add(new FieldSpec(f.getName(), t, f));
        }
        // 3. the all-args constructor (parameters in field order)
        Class<?>[] ptypes = new Class<?>[declared.size()];
        for (int i = 0; i < ptypes.length; i++) ptypes[i] = declared.get(i).getType();
        Constructor<?> ctor;
        try {
            ctor = cls.getConstructor(ptypes);
        } catch (NoSuchMethodException e) {
            ctor = null; // fall back to setting fields
        }
        String classSig;
        try {
            Method m = cls.getMethod("signature");
            classSig = (String) m.invoke(null);
        } catch (Exception e) {
            throw new IllegalStateException(where + ": no static signature()", e);
        }
        Schema s = new Schema(cls, fields, classSig, ctor);
        SCHEMAS.put(cls, s); // register before signature() recursion
        if (!s.signature().equals(classSig)) {
            throw new IllegalStateException(where + ": derived signature " + s.signature()
                    + " != class signature() " + classSig);
        }
        return s;
    }

    // ------------------------------------------------------------------
    // Deterministic value generation
    // ------------------------------------------------------------------

    enum Case {
        /** representative values */
        TYPICAL("typical"),
        /** null for every nullable field; 0 / MIN / MAX / -1 numbers; false */
        EDGE("edge"),
        /** empty strings, empty buffers, empty vectors; MAX / -1 / 0 / MIN numbers; false */
        EDGE_EMPTY("edge-empty");

        final String id;

        Case(String id) {
            this.id = id;
        }
    }

    /** Longs outside +-2^53 (except -2), so a lossy JS number conversion is caught. */
    static final long[] TYPICAL_LONGS = {
        0x0123456789ABCDEFL,       //  81985529216486895
        -2L,
        0x01000000000000A5L,       //  72057594037928101 (session-id like: server id 1)
        9007199254740993L,         //  2^53 + 1
        0xFEDCBA9876543210L,       // -81985529216486896
        0x7FEDCBA987654321L,
        -9007199254740995L,        // -(2^53 + 3)
        0x00200000000000FFL,       //  2^53 + 255
    };
    static final int[] EDGE_INTS = {0, Integer.MIN_VALUE, Integer.MAX_VALUE, -1};
    static final long[] EDGE_LONGS = {0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L};
    static final int[] EDGE_EMPTY_INTS = {Integer.MAX_VALUE, -1, 0, Integer.MIN_VALUE};
    static final long[] EDGE_EMPTY_LONGS = {Long.MAX_VALUE, -1L, 0L, Long.MIN_VALUE};
    /** BMP-only strings (non-BMP text does not round-trip in Java jute; see strings.json). */
    static final String[] TYPICAL_STRINGS = {
        "/zoo/\u00fcn\u00ef/\u2713",        // "/zoo/ünï/✓"
        "digest",
        "world:anyone \u00a7 \u20ac",       // "world:anyone § €"
        "/a/b-0000000001",
        "sasl:\u00df\u00f6me@REALM.\u00dc", // "sasl:ßöme@REALM.Ü"
        "127.0.0.1:2181,\u65e5\u672c",      // CJK
    };

    static final class Gen {
        final Case c;
        /** one counter per jute type, so e.g. the first ustring of every record is the same */
        final Map<Kind, Integer> counters = new TreeMap<>();

        Gen(Case c) {
            this.c = c;
        }

        Object value(JType t) throws Exception {
            int k = counters.merge(t.kind, 1, Integer::sum) - 1; // 0-based per kind
            switch (t.kind) {
                case BYTE:
                    if (c == Case.TYPICAL) return (byte) ((k + 1) % 3 == 0 ? -(k + 1) : k + 1);
                    return c == Case.EDGE ? Byte.MIN_VALUE : Byte.MAX_VALUE;
                case BOOLEAN:
                    return c == Case.TYPICAL;
                case INT:
                    // 1, 2, -3, 4, 5, -6, ...
                    if (c == Case.TYPICAL) return (k + 1) % 3 == 0 ? -(k + 1) : k + 1;
                    return c == Case.EDGE ? EDGE_INTS[k % EDGE_INTS.length]
                            : EDGE_EMPTY_INTS[k % EDGE_EMPTY_INTS.length];
                case LONG:
                    if (c == Case.TYPICAL) return TYPICAL_LONGS[k % TYPICAL_LONGS.length];
                    return c == Case.EDGE ? EDGE_LONGS[k % EDGE_LONGS.length]
                            : EDGE_EMPTY_LONGS[k % EDGE_EMPTY_LONGS.length];
                case FLOAT:
                    return c == Case.TYPICAL ? (float) (k + 1) * 1.5f : 0.0f;
                case DOUBLE:
                    return c == Case.TYPICAL ? (double) (k + 1) * -2.25 : 0.0;
                case USTRING:
                    if (c == Case.TYPICAL) return TYPICAL_STRINGS[k % TYPICAL_STRINGS.length];
                    return c == Case.EDGE ? null : "";
                case BUFFER:
                    if (c == Case.TYPICAL) {
                        return new byte[] {0x00, 0x7f, (byte) 0x80, (byte) 0xff, (byte) (k + 1)};
                    }
                    return c == Case.EDGE ? null : new byte[0];
                case VECTOR: {
                    if (c == Case.EDGE) return null;
                    List<Object> l = new ArrayList<>();
                    if (c == Case.TYPICAL) {
                        l.add(value(t.elem));
                        l.add(value(t.elem));
                    }
                    return l;
                }
                case MAP: {
                    if (c == Case.EDGE) return null;
                    TreeMap<Object, Object> m = new TreeMap<>();
                    if (c == Case.TYPICAL) {
                        for (int i = 0; i < 2; i++) m.put(value(t.elem), value(t.value));
                    }
                    return m;
                }
                case RECORD:
                    return record(t.recordClass);
                default:
                    throw new IllegalStateException();
            }
        }

        Record record(Class<?> cls) throws Exception {
            Schema s = schemaOf(cls);
            Object[] args = new Object[s.fields.size()];
            for (int i = 0; i < args.length; i++) args[i] = value(s.fields.get(i).type);
            Record r;
            if (s.allArgs != null) {
                r = (Record) s.allArgs.newInstance(args);
            } else {
                r = (Record) cls.getConstructor().newInstance();
                for (int i = 0; i < args.length; i++) s.fields.get(i).field.set(r, args[i]);
            }
            // the instance must hold exactly what we generated
            for (int i = 0; i < args.length; i++) {
                Object got = s.fields.get(i).field.get(r);
                if (!sameValue(args[i], got)) {
                    throw new IllegalStateException(cls.getName() + "." + s.fields.get(i).name
                            + ": constructor did not store the argument");
                }
            }
            return r;
        }
    }

    static boolean sameValue(Object a, Object b) {
        if (a instanceof byte[] && b instanceof byte[]) return Arrays.equals((byte[]) a, (byte[]) b);
        return a == null ? b == null : a.equals(b);
    }

    // ------------------------------------------------------------------
    // JSON
    // ------------------------------------------------------------------

    static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) sb.append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        return sb.toString();
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(ch).append(s.charAt(++i));
                continue;
            }
            if (ch == '"') sb.append("\\\"");
            else if (ch == '\\') sb.append("\\\\");
            else if (ch == '\n') sb.append("\\n");
            else if (ch == '\r') sb.append("\\r");
            else if (ch == '\t') sb.append("\\t");
            else if (ch < 0x20 || ch == 0x7f || Character.isSurrogate(ch) || ch == 0x2028
                    || ch == 0x2029 || ch >= 0xfffd) {
                // control chars, lone surrogates, U+FFFD..U+FFFF are escaped to stay unambiguous
                sb.append(String.format("\\u%04x", (int) ch));
            } else sb.append(ch);
        }
        return sb.append('"').toString();
    }

    /** Minimal pretty printer over a tree of LinkedHashMap / List / String(raw json) nodes. */
    static final class Raw {
        final String json;

        Raw(String json) {
            this.json = json;
        }
    }

    static void writeJson(StringBuilder out, Object node, int indent) {
        if (node instanceof Raw) {
            out.append(((Raw) node).json);
        } else if (node instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) node;
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pad(out, indent + 1);
                out.append(jsonString((String) e.getKey())).append(": ");
                writeJson(out, e.getValue(), indent + 1);
                out.append(++i < m.size() ? ",\n" : "\n");
            }
            pad(out, indent);
            out.append('}');
        } else if (node instanceof List) {
            List<?> l = (List<?>) node;
            if (l.isEmpty()) {
                out.append("[]");
                return;
            }
            // short lists of scalars on one line
            boolean flat = true;
            for (Object o : l) if (!(o instanceof Raw)) flat = false;
            if (flat) {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) out.append(", ");
                    out.append(((Raw) l.get(i)).json);
                }
                out.append(']');
                return;
            }
            out.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                pad(out, indent + 1);
                writeJson(out, l.get(i), indent + 1);
                out.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            pad(out, indent);
            out.append(']');
        } else {
            throw new IllegalStateException("bad json node " + node);
        }
    }

    static void pad(StringBuilder out, int indent) {
        for (int i = 0; i < indent; i++) out.append("  ");
    }

    static String toJsonText(Object node) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, node, 0);
        return sb.toString();
    }

    /** JSON node for a jute value (see README.md for the encoding rules). */
    static Object encode(Object v, JType t) throws IllegalAccessException {
        if (v == null) {
            switch (t.kind) {
                case USTRING: case BUFFER: case VECTOR: case MAP: case RECORD:
                    return new Raw("null");
                default:
                    throw new IllegalStateException("null primitive");
            }
        }
        switch (t.kind) {
            case BYTE: return new Raw(Byte.toString((Byte) v));
            case INT: return new Raw(Integer.toString((Integer) v));
            case LONG: return new Raw("\"" + v + "\"");
            case BOOLEAN: return new Raw(v.toString());
            case FLOAT: case DOUBLE: {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalStateException("non-finite");
                return new Raw(v.toString());
            }
            case USTRING: return new Raw(jsonString((String) v));
            case BUFFER: return new Raw("\"" + hex((byte[]) v) + "\"");
            case VECTOR: {
                List<Object> out = new ArrayList<>();
                for (Object e : (List<?>) v) out.add(encode(e, t.elem));
                return out;
            }
            case MAP: {
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    out.add(Arrays.asList(encode(e.getKey(), t.elem), encode(e.getValue(), t.value)));
                }
                return out;
            }
            case RECORD: {
                Schema s = schemaOf(t.recordClass);
                Map<String, Object> out = new LinkedHashMap<>();
                for (FieldSpec f : s.fields) out.put(f.name, encode(f.field.get(v), f.type));
                return out;
            }
            default: throw new IllegalStateException();
        }
    }

    static JType recordType(Class<?> cls) {
        return new JType(Kind.RECORD, null, null, cls);
    }

    // ------------------------------------------------------------------
    // Serialization + round trip
    // ------------------------------------------------------------------

    static byte[] serialize(Record r) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        BinaryOutputArchive oa = BinaryOutputArchive.getArchive(bos);
        r.serialize(oa, "");
        return bos.toByteArray();
    }

    static int equalsThrewNpe = 0;

    static void checkRoundTrip(Record orig, byte[] bytes, String what) throws Exception {
        ByteArrayInputStream bis = new ByteArrayInputStream(bytes);
        BinaryInputArchive ia = BinaryInputArchive.getArchive(bis);
        Record copy = (Record) orig.getClass().getConstructor().newInstance();
        copy.deserialize(ia, "");
        if (bis.available() != 0) {
            throw new IllegalStateException(what + ": deserialize() left " + bis.available() + " bytes");
        }
        // 1. the record's own equals(); the generated equals() dereferences
        //    String and List fields without a null check, so it throws an NPE
        //    when such a field is null -- then rely on checks 2 and 3.
        try {
            if (!orig.equals(copy)) throw new IllegalStateException(what + ": equals() is false after round trip");
            if (orig.hashCode() != copy.hashCode()) throw new IllegalStateException(what + ": hashCode differs");
        } catch (NullPointerException npe) {
            equalsThrewNpe++;
        }
        // 2. field-by-field structural comparison (distinguishes null and empty)
        JType t = recordType(orig.getClass());
        String a = toJsonText(encode(orig, t));
        String b = toJsonText(encode(copy, t));
        if (!a.equals(b)) {
            throw new IllegalStateException(what + ": value changed in round trip:\n" + a + "\n--- vs ---\n" + b);
        }
        // 3. re-serialization is byte-identical
        if (!Arrays.equals(bytes, serialize(copy))) {
            throw new IllegalStateException(what + ": re-serialized bytes differ");
        }
    }

    // ------------------------------------------------------------------
    // Jar scanning
    // ------------------------------------------------------------------

    static boolean hasStaticSignature(Class<?> c) {
        try {
            Method m = c.getDeclaredMethod("signature");
            return Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                    && m.getReturnType() == String.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static List<Class<?>> scan(List<String> jars, List<String> notes) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String jar : jars) {
            try (JarFile jf = new JarFile(jar)) {
                for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements();) {
                    String n = en.nextElement().getName();
                    if (!n.endsWith(".class") || n.endsWith("module-info.class")) continue;
                    names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                }
            }
        }
        ClassLoader cl = GoldenGen.class.getClassLoader();
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            String pkg = n.substring(0, n.lastIndexOf('.'));
            boolean target = PACKAGES.contains(pkg);
            Class<?> c;
            try {
                c = Class.forName(n, false, cl);
            } catch (Throwable e) {
                if (target) {
                    throw new IllegalStateException("cannot load " + n + " (classpath incomplete?)", e);
                }
                continue; // outside the target packages: ignore unloadable classes
            }
            boolean isRecord;
            try {
                isRecord = Record.class.isAssignableFrom(c) && !c.isInterface()
                        && !Modifier.isAbstract(c.getModifiers());
            } catch (Throwable e) {
                if (target) throw new IllegalStateException("cannot inspect " + n, e);
                continue;
            }
            if (!isRecord) continue;
            boolean jute = hasStaticSignature(c);
            if (target && jute) {
                out.add(c);
            } else if (target) {
                notes.add("excluded (implements Record, no static signature()): " + n);
            } else if (jute) {
                notes.add("jute-generated record outside the target packages (not covered): " + n);
            } else {
                notes.add("hand-written Record outside the target packages (not covered): " + n);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------
    // Optional cross-check against a zookeeper.jute file
    // ------------------------------------------------------------------

    static final class JuteRecordInfo {
        final String fqn;
        final List<String[]> fields = new ArrayList<>(); // {name, signature}

        JuteRecordInfo(String fqn) {
            this.fqn = fqn;
        }
    }

    /** Parses a .jute file with jute's own compiler front end (Rcc). */
    @SuppressWarnings("unchecked")
    static Map<String, JuteRecordInfo> parseJute(File f) throws Exception {
        Class<?> rcc = Class.forName("org.apache.jute.compiler.generated.Rcc");
        Object jfile = rcc.getMethod("parseFile", File.class).invoke(null, f);
        Field recs = jfile.getClass().getDeclaredField("mRecords");
        recs.setAccessible(true);
        Map<String, JuteRecordInfo> out = new LinkedHashMap<>();
        for (Object jr : (List<Object>) recs.get(jfile)) {
            String fqn = (String) jr.getClass().getMethod("getJavaFQName").invoke(jr);
            JuteRecordInfo info = new JuteRecordInfo(fqn);
            for (Object jf : (List<Object>) jr.getClass().getMethod("getFields").invoke(jr)) {
                String name = (String) jf.getClass().getMethod("getName").invoke(jf);
                String sig = (String) jf.getClass().getMethod("getSignature").invoke(jf);
                info.fields.add(new String[] {name, sig});
            }
            out.put(fqn, info);
        }
        return out;
    }

    static List<String> compareWithJute(Map<String, JuteRecordInfo> jute, List<Class<?>> classes) {
        List<String> diffs = new ArrayList<>();
        Set<String> jarNames = new LinkedHashSet<>();
        for (Class<?> c : classes) jarNames.add(c.getName());
        for (String n : jarNames) {
            if (!jute.containsKey(n)) diffs.add("in jar, not in jute file: " + n);
        }
        for (String n : jute.keySet()) {
            if (!jarNames.contains(n)) diffs.add("in jute file, not in jar: " + n);
        }
        for (Class<?> c : classes) {
            JuteRecordInfo info = jute.get(c.getName());
            if (info == null) continue;
            List<String> jarFields = new ArrayList<>();
            for (FieldSpec f : schemaOf(c).fields) jarFields.add(f.name + ":" + f.type.signature());
            List<String> juteFields = new ArrayList<>();
            for (String[] nf : info.fields) juteFields.add(nf[0] + ":" + nf[1]);
            if (!jarFields.equals(juteFields)) {
                diffs.add("field list differs for " + c.getName() + "\n    jar : " + jarFields
                        + "\n    jute: " + juteFields);
            }
        }
        return diffs;
    }

    // ------------------------------------------------------------------
    // strings.json
    // ------------------------------------------------------------------

    static Object stringVectors() throws IOException {
        String[][] samples = {
            {"empty", ""},
            {"ascii", "/zookeeper/quota"},
            {"nul", "a\u0000b"},
            {"latin1-2byte", "\u00fcn\u00ef"},
            {"bmp-3byte", "\u2713\u65e5"},
            {"bmp-max", "\uffff"},
            {"non-bmp-emoji", "/\ud83d\ude00"},
            {"lone-high-surrogate", "a\ud800b"},
        };
        List<Object> out = new ArrayList<>();
        for (String[] s : samples) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            BinaryOutputArchive.getArchive(bos).writeString(s[1], "s");
            byte[] java = bos.toByteArray();
            String decoded = BinaryInputArchive.getArchive(new ByteArrayInputStream(java)).readString("s");
            // standard UTF-8 (4-byte sequences for non-BMP); none exists for lone surrogates
            boolean wellFormed = true;
            for (int i = 0; i < s[1].length(); i++) {
                char ch = s[1].charAt(i);
                if (Character.isHighSurrogate(ch) && i + 1 < s[1].length()
                        && Character.isLowSurrogate(s[1].charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(ch)) {
                    wellFormed = false;
                }
            }
            ByteArrayOutputStream std = new ByteArrayOutputStream();
            byte[] utf8 = s[1].getBytes(StandardCharsets.UTF_8);
            new java.io.DataOutputStream(std).writeInt(utf8.length);
            std.write(utf8);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", new Raw(jsonString(s[0])));
            e.put("value", new Raw(jsonString(s[1])));
            e.put("hex", new Raw("\"" + hex(java) + "\""));
            e.put("standardUtf8Hex", new Raw(wellFormed ? "\"" + hex(std.toByteArray()) + "\"" : "null"));
            e.put("sameAsStandardUtf8", new Raw(Boolean.toString(wellFormed && Arrays.equals(java, std.toByteArray()))));
            e.put("decoded", new Raw(jsonString(decoded)));
            e.put("roundTrips", new Raw(Boolean.toString(s[1].equals(decoded))));
            // what a Java peer's readString() makes of the standard UTF-8 bytes
            String fromStd = wellFormed ? BinaryInputArchive.getArchive(
                    new ByteArrayInputStream(std.toByteArray())).readString("s") : null;
            e.put("decodedFromStandardUtf8", new Raw(fromStd == null ? "null" : jsonString(fromStd)));
            out.add(e);
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        BinaryOutputArchive.getArchive(bos).writeString(null, "s");
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", new Raw("\"null\""));
        e.put("value", new Raw("null"));
        e.put("hex", new Raw("\"" + hex(bos.toByteArray()) + "\""));
        String nullDecoded = BinaryInputArchive.getArchive(new ByteArrayInputStream(bos.toByteArray())).readString("s");
        e.put("decoded", new Raw(nullDecoded == null ? "null" : jsonString(nullDecoded)));
        e.put("roundTrips", new Raw(Boolean.toString(nullDecoded == null)));
        out.add(e);
        return out;
    }

    // ------------------------------------------------------------------
    // main
    // ------------------------------------------------------------------

    static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(tmp), StandardCharsets.UTF_8)) {
                w.write(text);
                w.write('\n');
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void usage(String msg) {
        System.err.println("GoldenGen: " + msg);
        System.err.println("usage: GoldenGen --out records.json [--strings-out strings.json]"
                + " --scan JAR [--scan JAR ...] [--jute zookeeper.jute]");
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        String out = null;
        String stringsOut = null;
        String juteFile = null;
        List<String> jars = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) usage("missing value for " + a);
            switch (a) {
                case "--out": out = args[++i]; break;
                case "--strings-out": stringsOut = args[++i]; break;
                case "--jute": juteFile = args[++i]; break;
                case "--scan": jars.add(args[++i]); break;
                default: usage("unknown argument " + a);
            }
        }
        if (out == null || jars.isEmpty()) usage("--out and at least one --scan are required");

        List<String> notes = new ArrayList<>();
        List<Class<?>> classes = scan(jars, notes);
        if (classes.isEmpty()) throw new IllegalStateException("no jute records found in " + jars);
        classes.sort((x, y) -> x.getName().compareTo(y.getName()));
        for (Class<?> c : classes) schemaOf(c);

        List<Object> entries = new ArrayList<>();
        int emptySkipped = 0;
        List<String> emptySkippedNames = new ArrayList<>();
        for (Class<?> c : classes) {
            Schema s = schemaOf(c);
            JType t = recordType(c);
            List<Object[]> instances = new ArrayList<>(); // {caseId, record}
            for (Case cs : Case.values()) instances.add(new Object[] {cs.id, new Gen(cs).record(c)});
            // the no-arg constructor's instance, only if BinaryOutputArchive accepts it
            Record blank = (Record) c.getConstructor().newInstance();
            try {
                serialize(blank);
                instances.add(new Object[] {"empty", blank});
            } catch (NullPointerException e) {
                emptySkipped++;
                emptySkippedNames.add(c.getName());
            }
            Set<String> seenHex = new TreeSet<>();
            for (Object[] inst : instances) {
                String caseId = (String) inst[0];
                Record r = (Record) inst[1];
                String what = c.getName() + " [" + caseId + "]";
                byte[] bytes = serialize(r);
                checkRoundTrip(r, bytes, what);
                seenHex.add(hex(bytes));
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("module", new Raw(jsonString(c.getPackage().getName())));
                e.put("name", new Raw(jsonString(c.getSimpleName())));
                e.put("case", new Raw(jsonString(caseId)));
                e.put("signature", new Raw(jsonString(s.classSignature)));
                List<Object> fieldList = new ArrayList<>();
                for (FieldSpec f : s.fields) {
                    fieldList.add(new Raw("[" + jsonString(f.name) + ", " + jsonString(f.type.juteName()) + "]"));
                }
                e.put("fields", fieldList);
                e.put("hex", new Raw("\"" + hex(bytes) + "\""));
                e.put("value", encode(r, t));
                entries.add(e);
            }
        }

        // sanity: Stat is 6 longs + 5 ints = 68 bytes
        for (Object o : entries) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) o;
            if (((Raw) e.get("name")).json.equals("\"Stat\"")) {
                String h = ((Raw) e.get("hex")).json;
                if (h.length() - 2 != 68 * 2) throw new IllegalStateException("Stat is not 68 bytes: " + h);
            }
        }

        List<String> juteDiffs = null;
        if (juteFile != null) {
            juteDiffs = compareWithJute(parseJute(new File(juteFile)), classes);
        }

        writeAtomically(Paths.get(out), toJsonText(entries));
        if (stringsOut != null) writeAtomically(Paths.get(stringsOut), toJsonText(stringVectors()));

        // report
        System.err.println("GoldenGen: " + classes.size() + " jute record classes, " + entries.size()
                + " vectors -> " + out);
        for (Class<?> c : classes) {
            System.err.println("  " + c.getPackage().getName() + "." + c.getSimpleName() + "  "
                    + schemaOf(c).classSignature);
        }
        System.err.println("GoldenGen: 'empty' (no-arg constructor) case skipped for " + emptySkipped
                + " classes whose null nested record makes serialize() throw: " + emptySkippedNames);
        System.err.println("GoldenGen: generated equals() threw NullPointerException on " + equalsThrewNpe
                + " null-field round trips (checked structurally instead)");
        for (String n : notes) System.err.println("GoldenGen: " + n);
        if (juteDiffs != null) {
            if (juteDiffs.isEmpty()) {
                System.err.println("GoldenGen: jute file " + juteFile + " matches the jar catalog exactly");
            } else {
                System.err.println("GoldenGen: differences between the jar and " + juteFile + ":");
                for (String d : juteDiffs) System.err.println("  " + d);
            }
        }
    }
}
