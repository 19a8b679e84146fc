package dev.saemonitor.scoring;

/** Receives per-batch stage timings and sizes (the service's metrics implement it). */
public interface StageListener {
    StageListener NONE = new StageListener() {
    };

    /** {@code stage} is one of tokenize, reader, sae, scoring. */
    default void stage(String stage, long nanos) {
    }

    default void batch(int texts, int tokens) {
    }
}
