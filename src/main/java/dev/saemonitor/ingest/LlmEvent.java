package dev.saemonitor.ingest;

import dev.saemonitor.activations.TextActivations;
import java.time.Instant;

/**
 * A validated event from {@code llm.events}. {@code text} is the prompt or completion (chat
 * messages joined with newlines); {@code activations} is set when the event carried its own residual
 * stream for the pack's reader and layer.
 */
public record LlmEvent(String id, String conversationId, String tenant, String model, String role, String text,
                       Instant time, TextActivations activations, int bytes) {
}
