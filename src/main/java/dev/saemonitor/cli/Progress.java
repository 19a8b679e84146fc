package dev.saemonitor.cli;

import java.io.PrintStream;

/** Throttled progress on stderr: items/s, and ETA when the total is known. */
public final class Progress {
    private final PrintStream err;
    private final String unit;
    private final long total;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private long done;

    public Progress(PrintStream err, String unit, long total) {
        this.err = err;
        this.unit = unit;
        this.total = total;
    }

    public void add(long n, String extra) {
        done += n;
        long now = System.nanoTime();
        if (now - lastPrint > 2_000_000_000L) {
            lastPrint = now;
            err.println(line(now, extra));
        }
    }

    public double perSecond() {
        return done / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }

    public String line(long now, String extra) {
        double secs = (now - start) / 1e9;
        double rate = done / Math.max(1e-9, secs);
        String eta = total > 0 && rate > 0 ? String.format(", ETA %.0fs", (total - done) / rate) : "";
        return String.format("%,d %s in %.1fs (%,.0f %s/s%s)%s", done, unit, secs, rate, unit, eta,
                extra == null ? "" : " " + extra);
    }

    public void finish(String extra) {
        err.println(line(System.nanoTime(), extra));
    }
}
