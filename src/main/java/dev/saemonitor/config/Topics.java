package dev.saemonitor.config;

import java.util.List;

/** Channel names (as the code and tests use them) and the default topic names behind them. */
public final class Topics {
    public static final String EVENTS_CHANNEL = "llm-events";
    public static final String FLAGS_CHANNEL = "safety-flags";
    public static final String VERDICTS_CHANNEL = "safety-verdicts";
    public static final String DLQ_CHANNEL = "llm-events-dlq";

    public static final String EVENTS = "llm.events";
    public static final String FLAGS = "safety.flags";
    public static final String VERDICTS = "safety.verdicts";
    public static final String DLQ = "llm.events.dlq";
    public static final List<String> ALL_DEFAULTS = List.of(EVENTS, FLAGS, VERDICTS, DLQ);
    public static final int DEFAULT_PARTITIONS = 4;

    private Topics() {
    }
}
