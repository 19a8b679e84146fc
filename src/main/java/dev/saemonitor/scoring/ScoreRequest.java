package dev.saemonitor.scoring;

import dev.saemonitor.activations.TextActivations;

/**
 * One text to score, with the ids the verdict carries. Either {@code text} is set, or
 * {@code activations} (the caller's own residual stream, which skips the reader).
 */
public record ScoreRequest(String eventId, String conversationId, String tenant, String role, String text,
                           TextActivations activations) {

    public static ScoreRequest ofText(String id, String text) {
        return new ScoreRequest(id, null, null, null, text, null);
    }
}
