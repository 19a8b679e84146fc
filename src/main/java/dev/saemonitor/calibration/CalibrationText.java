package dev.saemonitor.calibration;

import java.util.Set;

/**
 * One text calibration learns from. {@code group} ties texts built from the same source (a positive and its
 * embedded copies), so cross-validation never trains on one and scores the other. When the positive was
 * embedded in benign context, {@code [insertFrom, insertTo)} (UTF-16 chars) is where it lies; else -1.
 */
public record CalibrationText(String text, Set<String> labels, int group, int insertFrom, int insertTo, Kind kind) {

    /** Where a calibration text came from. */
    public enum Kind {
        /** a line of the labelled data */
        LABELLED,
        /** a benign corpus document (long, ordinary text) */
        BENIGN_DOC,
        /** a labelled positive inserted among benign corpus texts */
        EMBEDDED,
        /** labelled benign texts (hard negatives, chat messages) joined into one long benign answer */
        BENIGN_CONCAT,
        /** a labelled positive inserted among labelled benign texts (on-topic context, hard negatives) */
        EMBEDDED_ON_TOPIC
    }

    public boolean benign() {
        return labels.isEmpty();
    }

    public boolean embedded() {
        return insertFrom >= 0;
    }
}
