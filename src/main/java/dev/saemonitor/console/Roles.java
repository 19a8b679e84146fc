package dev.saemonitor.console;

/** The console's roles: a viewer sees verdicts and features, a reviewer also the text, and labels. */
public final class Roles {
    public static final String VIEWER = "viewer";
    public static final String REVIEWER = "reviewer";

    private Roles() {
    }
}
