package dev.saemonitor.conversation;

import dev.saemonitor.scoring.Verdict;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A compact binary form of {@link TurnFeatures}, for the two places a turn crosses a byte boundary on every
 * event: the turn record on the turns topic and the conversation's stored state (which holds up to
 * {@code max-turns} of them and is read and rewritten on each turn). JSON there cost a share of the pipeline's
 * throughput (docs/performance.md: Jackson was a fifth of the Streams thread's samples); this is written on a
 * heap {@link ByteBuffer} because the layout is ours and small, and a schema library would add a build step for
 * two record types. Field order is the layout: appending a field needs a new {@link #VERSION}.
 */
public final class TurnCodec {
    /** First byte of a binary turn record or state (JSON, the earlier layout, starts with '{'). */
    public static final byte VERSION = 1;

    private TurnCodec() {
    }

    /** A growing big-endian buffer to write into. */
    public static final class Writer {
        private ByteBuffer b;

        public Writer(int capacity) {
            b = ByteBuffer.allocate(Math.max(capacity, 64));
        }

        Writer need(int n) {
            if (b.remaining() < n) {
                ByteBuffer grown = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n));
                grown.put(b.flip());
                b = grown;
            }
            return this;
        }

        public Writer putByte(int v) {
            need(1).b.put((byte) v);
            return this;
        }

        public Writer putBoolean(boolean v) {
            return putByte(v ? 1 : 0);
        }

        public Writer putInt(int v) {
            need(4).b.putInt(v);
            return this;
        }

        public Writer putLong(long v) {
            need(8).b.putLong(v);
            return this;
        }

        public Writer putDouble(double v) {
            need(8).b.putDouble(v);
            return this;
        }

        /** A nullable string: its UTF-8 length (-1 for null), then the bytes. */
        public Writer putString(String s) {
            if (s == null) {
                return putInt(-1);
            }
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            putInt(u.length);
            need(u.length).b.put(u);
            return this;
        }

        public byte[] toBytes() {
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    public static void write(Writer out, TurnFeatures t) {
        out.putString(t.eventId()).putString(t.role()).putLong(t.timeMs()).putInt(t.tokens());
        doubles(out, t.eventScores());
        ints(out, t.features());
        floats(out, t.values());
        if (t.evidence() == null) {
            out.putInt(-1);
        } else {
            out.putInt(t.evidence().size());
            for (Verdict.Evidence e : t.evidence()) {
                out.putString(e.category()).putInt(e.feature()).putString(e.label()).putDouble(e.activation());
                span(out, e.span());
            }
        }
        spans(out, t.spans());
        if (t.segmentTerms() == null) {
            out.putInt(-1);
        } else {
            out.putInt(t.segmentTerms().length);
            for (float[] f : t.segmentTerms()) {
                floats(out, f);
            }
        }
        ints(out, t.segmentTokens());
        spans(out, t.segmentSpans());
    }

    /** Reads one turn; a value cut short or with an impossible length fails with an IOException. */
    public static TurnFeatures read(ByteBuffer in) throws IOException {
        try {
            String eventId = string(in);
            String role = string(in);
            long timeMs = in.getLong();
            int tokens = in.getInt();
            double[] eventScores = doubles(in);
            int[] features = ints(in);
            float[] values = floats(in);
            int ne = count(in, 1);
            List<Verdict.Evidence> evidence = null;
            if (ne >= 0) {
                evidence = new ArrayList<>(ne);
                for (int i = 0; i < ne; i++) {
                    evidence.add(new Verdict.Evidence(string(in), in.getInt(), string(in), in.getDouble(), span(in)));
                }
            }
            List<Verdict.Span> spans = spans(in);
            int nt = count(in, 4);
            float[][] segmentTerms = null;
            if (nt >= 0) {
                segmentTerms = new float[nt][];
                for (int i = 0; i < nt; i++) {
                    segmentTerms[i] = floats(in);
                }
            }
            int[] segmentTokens = ints(in);
            List<Verdict.Span> segmentSpans = spans(in);
            return new TurnFeatures(eventId, role, timeMs, tokens, eventScores, features, values, evidence, spans,
                    segmentTerms, segmentTokens, segmentSpans);
        } catch (BufferUnderflowException e) {
            throw new IOException("value cut short at byte " + in.position());
        }
    }

    public static String string(ByteBuffer in) throws IOException {
        int n = count(in, 1);
        if (n < 0) {
            return null;
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /**
     * A length or count of elements of at least {@code minBytes} each: -1 for null, else no more than what is
     * left to read could hold (a damaged value fails here and never allocates what it claims).
     */
    public static int count(ByteBuffer in, int minBytes) throws IOException {
        int n = in.getInt();
        if (n < -1 || (long) n * minBytes > in.remaining()) {
            throw new IOException("length " + n + " with " + in.remaining() + " bytes left");
        }
        return n;
    }

    private static void doubles(Writer out, double[] a) {
        out.putInt(a == null ? -1 : a.length);
        if (a != null) {
            out.need(8 * a.length);
            for (double v : a) {
                out.b.putDouble(v);
            }
        }
    }

    private static double[] doubles(ByteBuffer in) throws IOException {
        int n = count(in, 8);
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        in.asDoubleBuffer().get(a);
        in.position(in.position() + 8 * n);
        return a;
    }

    private static void floats(Writer out, float[] a) {
        out.putInt(a == null ? -1 : a.length);
        if (a != null) {
            out.need(4 * a.length);
            out.b.asFloatBuffer().put(a);
            out.b.position(out.b.position() + 4 * a.length);
        }
    }

    private static float[] floats(ByteBuffer in) throws IOException {
        int n = count(in, 4);
        if (n < 0) {
            return null;
        }
        float[] a = new float[n];
        in.asFloatBuffer().get(a);
        in.position(in.position() + 4 * n);
        return a;
    }

    private static void ints(Writer out, int[] a) {
        out.putInt(a == null ? -1 : a.length);
        if (a != null) {
            out.need(4 * a.length);
            out.b.asIntBuffer().put(a);
            out.b.position(out.b.position() + 4 * a.length);
        }
    }

    private static int[] ints(ByteBuffer in) throws IOException {
        int n = count(in, 4);
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        in.asIntBuffer().get(a);
        in.position(in.position() + 4 * n);
        return a;
    }

    private static void span(Writer out, Verdict.Span s) {
        out.putBoolean(s != null);
        if (s != null) {
            out.putInt(s.start()).putInt(s.end());
        }
    }

    private static Verdict.Span span(ByteBuffer in) {
        return in.get() != 0 ? new Verdict.Span(in.getInt(), in.getInt()) : null;
    }

    private static void spans(Writer out, List<Verdict.Span> spans) {
        out.putInt(spans == null ? -1 : spans.size());
        if (spans != null) {
            for (Verdict.Span s : spans) {
                span(out, s);
            }
        }
    }

    private static List<Verdict.Span> spans(ByteBuffer in) throws IOException {
        int n = count(in, 1);
        if (n < 0) {
            return null;
        }
        List<Verdict.Span> spans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            spans.add(span(in));
        }
        return Collections.unmodifiableList(spans);
    }
}
