package dev.saemonitor.publish;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Console paths of a flag and of a conversation verdict: the console serves them, alerts link to them prefixed with
 * {@code monitor.console.base-url}.
 */
public final class ConsoleLinks {
    private ConsoleLinks() {
    }

    public static String flag(String eventId) {
        return "/console/flag/" + enc(eventId);
    }

    public static String conversation(String conversationId, int turns) {
        return "/console/conversation/" + enc(conversationId) + "?turns=" + turns;
    }

    public static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
