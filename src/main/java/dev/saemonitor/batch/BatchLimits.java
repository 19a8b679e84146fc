package dev.saemonitor.batch;

import java.time.Duration;

/** When a micro-batch closes: at {@code maxEvents}, at {@code maxTokens} (estimated), or after {@code maxWait}. */
public record BatchLimits(int maxEvents, int maxTokens, Duration maxWait) {
}
