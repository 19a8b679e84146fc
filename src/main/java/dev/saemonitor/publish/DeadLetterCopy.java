package dev.saemonitor.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The record written to the dead-letter topic for one bad record, sized so the producer accepts it: the
 * original value, key and headers when they fit {@code max.request.size}; else the value cut to what fits
 * ({@code dead-letter-truncated: <original bytes>}); in the minimal form (after the broker refused a
 * copy as too large) no value ({@code dead-letter-value-dropped: <original bytes>}) and, if they alone do
 * not fit, none of the original headers ({@code dead-letter-headers-dropped: <count>}).
 */
record DeadLetterCopy(String key, byte[] value, RecordHeaders headers) {
    static final String TRUNCATED = "dead-letter-truncated";
    static final String VALUE_DROPPED = "dead-letter-value-dropped";
    static final String HEADERS_DROPPED = "dead-letter-headers-dropped";

    /** Record batch header (61) and the largest per-record overhead (21) of the v2 format. */
    private static final int RECORD_OVERHEAD = 61 + 21;
    private static final int VARINT = 5;

    /**
     * @param ours     the dead-letter headers (reason, detail, coordinates), always kept
     * @param maxBytes the producer's {@code max.request.size}
     * @param minimal  drop the value whatever its size (the broker refused a smaller copy)
     */
    static DeadLetterCopy of(byte[] value, String key, Iterable<Header> original, List<Header> ours, int maxBytes,
                             boolean minimal) {
        byte[] v = value == null ? new byte[0] : value;
        List<Header> copied = new ArrayList<>();
        for (Header h : original) {
            if (!h.key().startsWith("dead-letter-")) {
                copied.add(h);
            }
        }
        List<Header> kept = concat(copied, ours);
        if (!minimal && size(key, v.length, kept) <= maxBytes) {
            return new DeadLetterCopy(key, v, headers(kept));
        }
        List<Header> cut = concat(kept, List.of(header(TRUNCATED, v.length)));
        long room = maxBytes - size(key, 0, cut);
        if (!minimal && room > 0) {
            return new DeadLetterCopy(key, Arrays.copyOf(v, (int) Math.min(room, v.length)), headers(cut));
        }
        List<Header> dropped = concat(kept, List.of(header(VALUE_DROPPED, v.length)));
        if (size(key, 0, dropped) > maxBytes) {
            dropped = concat(ours, List.of(header(VALUE_DROPPED, v.length), header(HEADERS_DROPPED, copied.size())));
        }
        // a key too large to copy would refuse every form: it stays only when the rest fits beside it
        String k = size(key, 0, dropped) <= maxBytes ? key : null;
        return new DeadLetterCopy(k, new byte[0], headers(dropped));
    }

    /** An upper bound of the serialized size Kafka's producer compares with {@code max.request.size}. */
    static long size(String key, int valueBytes, List<Header> headers) {
        long n = RECORD_OVERHEAD + VARINT + utf8(key) + VARINT + valueBytes + VARINT;
        for (Header h : headers) {
            n += VARINT + utf8(h.key()) + VARINT + (h.value() == null ? 0 : h.value().length);
        }
        return n;
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Header header(String key, long n) {
        return new RecordHeader(key, String.valueOf(n).getBytes(StandardCharsets.UTF_8));
    }

    private static List<Header> concat(List<Header> a, List<Header> b) {
        List<Header> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    private static RecordHeaders headers(List<Header> l) {
        return new RecordHeaders(l.toArray(Header[]::new));
    }
}
