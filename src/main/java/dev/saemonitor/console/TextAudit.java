package dev.saemonitor.console;

import io.quarkus.security.identity.SecurityIdentity;
import org.jboss.logging.Logger;

/**
 * The audit trail of text views: who saw which event's text, on the {@code dev.saemonitor.console.audit} logger (route
 * it to the audit sink). Ids only, never the text.
 */
final class TextAudit {
    private static final Logger AUDIT = Logger.getLogger("dev.saemonitor.console.audit");

    private TextAudit() {
    }

    static void viewed(SecurityIdentity who, String eventId, String outcome) {
        AUDIT.infof("text-view user=%s event=%s outcome=%s", who.getPrincipal().getName(), eventId, outcome);
    }

    static void reviewed(SecurityIdentity who, Feedback f) {
        AUDIT.infof("review user=%s event=%s category=%s label=%s", who.getPrincipal().getName(), f.eventId(),
                f.category(), f.label());
    }
}
