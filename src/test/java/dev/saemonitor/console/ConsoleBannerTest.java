package dev.saemonitor.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleBannerTest {
    @Test
    void printsTheDemoLoginOnlyWhileTheDemoPasswordsAreUnchanged() {
        assertThat(ConsoleBanner.line(8080, "reviewer-demo", "viewer-demo"))
                .contains("http://localhost:8080/console", "reviewer / reviewer-demo", "viewer / viewer-demo");
        String changed = ConsoleBanner.line(9090, "s3cret-from-vault", "viewer-demo");
        assertThat(changed).contains("http://localhost:9090/console").doesNotContain("s3cret", "viewer-demo");
    }
}
