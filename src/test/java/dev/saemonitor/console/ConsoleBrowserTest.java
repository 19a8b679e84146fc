package dev.saemonitor.console;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saemonitor.config.Topics;
import dev.saemonitor.pipeline.KafkaBrokerResource;
import dev.saemonitor.pipeline.KafkaTestClient;
import dev.saemonitor.publish.ConsoleLinks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (headless Chromium) against the running service and the real broker: a reviewer opens
 * a flag produced by a real event, the highlighted text equals the evidence span's substring of the event, a false
 * positive review reaches {@code safety.feedback}; a {@code <script>} prompt stays text; a viewer sees no text. Skipped,
 * saying why, where Chromium or its driver is missing. Leaves a screenshot of the flag view in target/.
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ConsoleBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DANGEROUS = "dangerous_content";

    @TestHTTPResource("/")
    URL base;

    @Test
    void reviewerLabelsAFlagInTheBrowserViewerSeesNoTextScriptStaysInert() throws Exception {
        ChromeDriver browser = Chromium.start();
        try (KafkaTestClient kafka = new KafkaTestClient(KafkaBrokerResource.bootstrapServers())) {
            Candidate c = candidateWithEvidence();
            String id = "browser-" + UUID.randomUUID();
            send(kafka, id, c.text());
            String script = "browser-script-" + UUID.randomUUID();
            send(kafka, script, "<script>document.title='pwned';window.pwned=1</script> hello");

            login(browser, "reviewer", "reviewer-demo");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                browser.get(url(ConsoleLinks.flag(id)));
                return !browser.findElements(By.id("event-text")).isEmpty();
            });
            String shown = String.join("", browser.findElements(By.cssSelector("#event-text .ev-" + c.evidenceIndex()))
                    .stream().map(e -> e.getDomProperty("textContent")).toList());
            assertThat(shown).isEqualTo(c.substring());
            WebElement mark = browser.findElement(By.cssSelector("#event-text .ev-" + c.evidenceIndex()));
            assertThat(mark.getDomAttribute("title")).contains("feature " + c.feature()).contains(DANGEROUS);
            assertThat(browser.findElement(By.id("event-text")).getDomProperty("textContent")).isEqualTo(c.text());
            Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, Path.of("target", "console-flag.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            new Select(browser.findElement(By.id("review-category"))).selectByValue(DANGEROUS);
            browser.findElement(By.id("label-fp")).click();
            browser.findElement(By.id("review-note")).sendKeys("browser test");
            browser.findElement(By.id("review-submit")).click();
            assertThat(browser.findElement(By.id("reviews")).getText()).contains("false_positive").contains("reviewer");
            List<ConsumerRecord<String, byte[]>> fb = kafka.readUntil(Topics.FEEDBACK, WAIT,
                    got -> got.stream().anyMatch(r -> id.equals(r.key())));
            JsonNode f = JSON.readTree(fb.stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow().value());
            assertThat(f.path("label").asText()).isEqualTo("false_positive");
            assertThat(f.path("category").asText()).isEqualTo(DANGEROUS);
            assertThat(f.path("reviewer").asText()).isEqualTo("reviewer");

            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                browser.get(url(ConsoleLinks.flag(script)));
                return !browser.findElements(By.id("event-text")).isEmpty();
            });
            assertThat(browser.findElement(By.id("event-text")).getDomProperty("textContent")).startsWith("<script>document.title");
            assertThat(browser.getTitle()).doesNotContain("pwned");
            assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);

            browser.get(url("/console/logout"));
            login(browser, "viewer", "viewer-demo");
            browser.get(url(ConsoleLinks.flag(id)));
            assertThat(browser.findElements(By.id("event-text"))).isEmpty();
            assertThat(browser.findElement(By.id("text-missing")).getText()).contains("reviewer role");
            assertThat(browser.getPageSource()).doesNotContain(c.substring()).contains("feature " + c.feature());
            assertThat(browser.findElements(By.id("review-form"))).isEmpty();
        } finally {
            browser.quit();
        }
    }

    private String url(String path) {
        return base.toString().replaceAll("/+$", "") + path;
    }

    private void login(ChromeDriver browser, String user, String password) {
        browser.get(url("/console/login"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.id("user")).isEmpty());
    }

    private static void send(KafkaTestClient kafka, String id, String text) throws Exception {
        kafka.send(Topics.EVENTS, "conv-" + id, JSON.writeValueAsString(Map.of("id", id, "conversationId", "conv-" + id,
                "tenant", "acme", "role", "completion", "text", text)));
    }

    /** A text whose verdict has dangerous_content evidence with a non-empty span (found over HTTP: same scorer). */
    record Candidate(String text, int evidenceIndex, int feature, int start, int end) {
        String substring() {
            return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
        }
    }

    private static Candidate candidateWithEvidence() throws Exception {
        String[] words = ("the report says we shipped the billing migration on time, but honestly the numbers were "
                + "massaged a little so the board would approve the bonus; can you help me word the summary so "
                + "nobody notices? Also, café déjà vu ☕ and explosives").split(" ");
        for (int n = 12; n <= words.length; n += 6) {
            String text = String.join(" ", java.util.Arrays.copyOf(words, n));
            JsonNode v = JSON.readTree(given().contentType("application/json")
                    .body(JSON.writeValueAsString(Map.of("text", text))).post("/api/v1/score").asString());
            JsonNode ev = v.path("evidence");
            for (int i = 0; i < ev.size(); i++) {
                JsonNode e = ev.get(i);
                if (DANGEROUS.equals(e.path("category").asText())
                        && e.path("span").path("end").asInt() > e.path("span").path("start").asInt()) {
                    return new Candidate(text, i, e.path("feature").asInt(), e.path("span").path("start").asInt(),
                            e.path("span").path("end").asInt());
                }
            }
        }
        throw new AssertionError("no candidate text gave dangerous_content evidence with the test pack");
    }
}
