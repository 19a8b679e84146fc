package dev.saemonitor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saemonitor.config.Topics;
import dev.saemonitor.conversation.state.StateCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Conversation state against a real broker process and the packaged jar on the default pack, one scenario in
 * steps that share the replicas (start-up is the expensive part): benign conversation clear, flagged conversation
 * pages once per category, a 10,000-turn conversation stays within its bound (read back from the changelog),
 * the state survives a SIGKILL and moves to a second replica, and a third replica with a short idle expiry drops
 * the restored conversations (tombstones) and starts them again at turn 1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConversationStateIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path PACK = Path.of("model-packs/default");
    static final int MAX_TURNS = 16;
    static final int LONG_TURNS = 10_000;
    static final int SPLIT_CONVERSATIONS = 12;
    static final String CHANGELOG = "sae-safety-monitor-conversations-conversation-state-changelog";

    static ChaosStage stage;
    static EventFeed feed;
    static TopicTap conversations;
    static TopicTap events;
    static AlertmanagerStub alertmanager;
    static ServiceNode node;
    static Map<String, String> samples = new HashMap<>();
    /** The pack the replicas run: the default pack, or a copy of it with a calibrated conversation head. */
    static Path pack = PACK.toAbsolutePath();
    static String headNote = "the default pack's conversation head";

    @BeforeAll
    static void start() throws Exception {
        stage = ChaosStage.open("conversations");
        feed = new EventFeed(stage.broker.bootstrapServers());
        conversations = new TopicTap(stage.broker.bootstrapServers(), Topics.CONVERSATIONS);
        events = new TopicTap(stage.broker.bootstrapServers(), Topics.VERDICTS);
        alertmanager = new AlertmanagerStub();
        for (String line : Files.readAllLines(Path.of("src/main/resources/samples/traffic.jsonl"))) {
            try {
                JsonNode n = JSON.readTree(line);
                if (n.path("id").isTextual() && n.path("text").isTextual()) {
                    samples.put(n.get("id").asText(), n.get("text").asText());
                }
            } catch (IOException malformed) {
                // the sample traffic holds malformed records on purpose (they go to the dead-letter topic)
            }
        }
        if (!hasHead(PACK)) {
            pack = withHead(stage.dir.resolve("pack-with-head"));
            headNote = "a head calibrated on 120 seed train conversations";
        }
        node = replica("monitor-a", List.of());
        node.awaitReady(Duration.ofMinutes(3));
    }

    /** A copy of the default pack with a conversation head fitted by the jar's own {@code calibrate --conversations-only}. */
    static Path withHead(Path dir) throws Exception {
        try (var files = Files.walk(PACK)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(PACK.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        List<String> lines = Files.readAllLines(Path.of("data/seed/conversations_train.jsonl"));
        Path train = stage.dir.resolve("conversations_train_120.jsonl");
        Files.write(train, lines.subList(0, Math.min(120, lines.size())));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", ServiceNode.JAR.toString(), "calibrate", "--pack", dir.toString(),
                "--conversations-only", "--conversations", train.toString(), "--threads", "2")
                .redirectErrorStream(true).redirectOutput(stage.dir.resolve("calibrate.log").toFile()).start();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("calibrate --conversations-only failed, see " + stage.dir.resolve("calibrate.log"));
        }
        return dir.toAbsolutePath();
    }

    static ServiceNode replica(String name, List<String> extra) throws IOException {
        List<String> props = new java.util.ArrayList<>(List.of("monitor.alertmanager.url=" + alertmanager.url(),
                "monitor.alertmanager.min-severity=warning", "monitor.conversations.max-turns=" + MAX_TURNS));
        props.addAll(extra);
        return ServiceNode.start(name, stage.dir, stage.broker.bootstrapServers(), pack, props);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {node, feed, conversations, events, alertmanager, stage}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Sends one turn: a sample's text under a new event id. */
    static void turn(String conversation, String eventId, String role, String sampleId) {
        ObjectNode e = JSON.createObjectNode().put("id", eventId).put("conversationId", conversation).put("tenant", "it")
                .put("role", role).put("text", samples.get(sampleId));
        feed.send(conversation, e.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static List<JsonNode> verdictsOf(String conversation) {
        return conversations.records().stream().filter(r -> conversation.equals(r.key()) && r.value() != null)
                .map(ConversationStateIT::json).toList();
    }

    static JsonNode json(ConsumerRecord<String, byte[]> r) {
        try {
            return JSON.readTree(r.value());
        } catch (IOException e) {
            throw new IllegalStateException("conversation verdict of " + r.key() + " is not JSON", e);
        }
    }

    /** Waits for the conversation's verdict at a turn count; only its latest records are parsed (the long one has 10,000). */
    static JsonNode awaitTurn(String conversation, int turns, Duration timeout) {
        conversations.awaitUntil(conversation + " at turn " + turns, timeout, got -> latest(got, conversation, turns).isPresent());
        return latest(conversations.records(), conversation, turns).orElseThrow();
    }

    static Optional<JsonNode> latest(List<ConsumerRecord<String, byte[]>> got, String conversation, int turns) {
        List<ConsumerRecord<String, byte[]>> mine = got.stream().filter(r -> conversation.equals(r.key()) && r.value() != null).toList();
        return mine.subList(Math.max(0, mine.size() - 20), mine.size()).stream().map(ConversationStateIT::json)
                .filter(v -> v.get("turns").asInt() == turns).reduce((a, b) -> b);
    }

    @Test
    @Order(1)
    void benignMultiTurnConversationStaysClear() {
        String[][] turns = {{"prompt", "demo-025"}, {"completion", "demo-012"}, {"prompt", "demo-000"}, {"completion", "demo-017"}};
        for (int i = 0; i < turns.length; i++) {
            turn("benign-1", "benign-1-" + i, turns[i][0], turns[i][1]);
        }
        JsonNode last = awaitTurn("benign-1", turns.length, Duration.ofSeconds(60));
        List<JsonNode> all = verdictsOf("benign-1");
        assertThat(all).extracting(v -> v.get("turns").asInt()).contains(1, 2, 3, 4);
        assertThat(all).as("every conversation verdict of the benign conversation").allMatch(v -> !v.get("flagged").asBoolean());
        assertThat(last.get("lastEventId").asText()).isEqualTo("benign-1-3");
        assertThat(last.get("categories")).hasSize(4);
        assertThat(last.toString()).as("no text in a conversation verdict").doesNotContain(samples.get("demo-025"));
        ConsumerRecord<String, byte[]> rec = conversations.records().stream().filter(r -> "benign-1".equals(r.key())).findFirst().orElseThrow();
        assertThat(header(rec, "ce_type")).isEqualTo("dev.saemonitor.conversation.v1");
        assertThat(header(rec, "ce_subject")).isEqualTo("benign-1");
    }

    @Test
    @Order(2)
    void flaggedConversationPagesOncePerCategory() {
        turn("flagged-1", "flagged-1-0", "completion", "demo-010");
        turn("flagged-1", "flagged-1-1", "completion", "demo-027");
        turn("flagged-1", "flagged-1-2", "prompt", "demo-025");
        JsonNode last = awaitTurn("flagged-1", 3, Duration.ofSeconds(60));
        assertThat(last.get("flagged").asBoolean()).as("still flagged after a benign turn").isTrue();
        assertThat(last.get("evidence").findValuesAsText("eventId")).isNotEmpty();
        events.awaitUntil("event verdicts of flagged-1", Duration.ofSeconds(30),
                got -> got.stream().filter(r -> "flagged-1".equals(r.key())).count() >= 3);
        long flaggedEvents = events.records().stream().filter(r -> "flagged-1".equals(r.key()))
                .map(ConversationStateIT::json).filter(v -> v.get("flagged").asBoolean()).count();
        assertThat(flaggedEvents).as("flagged events in the conversation (each would have paged alone)").isGreaterThanOrEqualTo(2);
        conversations.awaitUntil("a page", Duration.ofSeconds(20), got -> !pages("flagged-1").isEmpty());
        // one push per category and operating point: this stage pushes warnings too (min-severity warning), so a
        // category that first flags at the review point and later reaches the page point is pushed twice, as
        // warning then as critical, and never more
        Map<String, List<JsonNode>> byCategory = pages("flagged-1").stream()
                .collect(Collectors.groupingBy(ConversationStateIT::categoryAndSeverity));
        assertThat(byCategory.keySet()).anyMatch(k -> k.startsWith("dangerous_content/"));
        byCategory.forEach((key, pushed) -> assertThat(pushed).as("pushes for flagged-1 / %s", key).hasSize(1));
        // the page names the turn at which the conversation first flagged the category at that point (with a
        // conversation head, whose threshold is its own, that need not be the first flagged event)
        byCategory.forEach((key, pushed) -> {
            String cat = key.substring(0, key.indexOf('/'));
            boolean page = key.endsWith("/critical");
            JsonNode first = verdictsOf("flagged-1").stream().filter(v -> page ? pagedIn(v, cat) : flaggedIn(v, cat))
                    .findFirst().orElseThrow();
            assertThat(pushed.get(0).at("/labels/level").asText()).isEqualTo("conversation");
            assertThat(pushed.get(0).at("/annotations/turn").asText()).as("turn that raised %s", cat).isEqualTo(first.get("turns").asText());
            assertThat(pushed.get(0).at("/annotations/event_id").asText()).isEqualTo(first.get("lastEventId").asText());
        });
        assertThat(alertmanager.alerts()).as("no per-event page for a tracked conversation")
                .noneMatch(a -> a.at("/annotations/conversation_id").asText().equals("flagged-1") && a.at("/labels/level").isMissingNode());
    }

    /** An alert's category and severity: the key of one push (one per category and operating point). */
    static String categoryAndSeverity(JsonNode alert) {
        return alert.at("/labels/category").asText() + "/" + alert.at("/labels/severity").asText();
    }

    /** Whether the conversation verdict flags the category at its page point (or flags it, for a one-point pack). */
    static boolean pagedIn(JsonNode verdict, String category) {
        for (JsonNode c : verdict.get("categories")) {
            if (c.get("name").asText().equals(category) && c.get("flagged").asBoolean()
                    && (c.path("point").isMissingNode() || "page".equals(c.path("point").asText()))) {
                return true;
            }
        }
        return false;
    }

    static boolean flaggedIn(JsonNode verdict, String category) {
        for (JsonNode c : verdict.get("categories")) {
            if (c.get("name").asText().equals(category) && c.get("flagged").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    static List<JsonNode> pages(String conversation) {
        return alertmanager.alerts().stream().filter(a -> conversation.equals(a.at("/labels/conversation_id").asText())).toList();
    }

    /**
     * Split-turn conversations of the seed dev set (harm cut into 2-3 turns among benign ones) through the service:
     * at least one is flagged at the conversation level while none of its turns is flagged as an event. Needs the
     * conversation head (turn features pooled across turns, the catalog's {@code conversation:} section): with the
     * baseline (max of the turns' own scores) a conversation cannot flag unless one of its turns does. When the
     * default pack has no head yet, {@link #start} calibrates one into the scenario's copy of it.
     */
    @Test
    @Order(3)
    void splitTurnConversationFlaggedWhileNoTurnAloneIs() throws IOException {
        List<JsonNode> split = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(Path.of("data/seed/conversations_dev.jsonl"))) {
            JsonNode c = JSON.readTree(line);
            if ("split".equals(c.path("kind").asText()) && split.size() < SPLIT_CONVERSATIONS) {
                split.add(c);
            }
        }
        for (JsonNode c : split) {
            String id = "split-" + c.get("conversationId").asText();
            int i = 0;
            for (JsonNode t : c.get("turns")) {
                ObjectNode e = JSON.createObjectNode().put("id", id + "-" + i++).put("conversationId", id)
                        .put("role", t.get("role").asText()).put("text", t.get("text").asText());
                feed.send(id, e.toString().getBytes(StandardCharsets.UTF_8), Map.of());
            }
        }
        int caught = 0, caughtOnlyAsConversation = 0;
        for (JsonNode c : split) {
            String id = "split-" + c.get("conversationId").asText();
            int turns = c.get("turns").size();
            JsonNode last = awaitTurn(id, turns, Duration.ofSeconds(90));
            events.awaitUntil("event verdicts of " + id, Duration.ofSeconds(30),
                    got -> got.stream().filter(r -> id.equals(r.key())).count() >= turns);
            boolean anyTurn = events.records().stream().filter(r -> id.equals(r.key())).map(ConversationStateIT::json)
                    .anyMatch(v -> v.get("flagged").asBoolean());
            boolean conversation = verdictsOf(id).stream().anyMatch(v -> v.get("flagged").asBoolean());
            caught += conversation ? 1 : 0;
            caughtOnlyAsConversation += conversation && !anyTurn ? 1 : 0;
            assertThat(last.get("turns").asInt()).isEqualTo(turns);
        }
        stage.report("conversations: %d split-turn seed conversations (%s): %d flagged at the conversation level, "
                + "%d of them with no turn flagged alone", split.size(), headNote, caught, caughtOnlyAsConversation);
        // pack 0.6.0: calibrate drops the head (the turns' own review flags already flag 30% of benign training
        // conversations, over the 5% target); a head at a 0.4 target was tried here and flags the benign conversation
        Assumptions.assumeTrue(hasHead(pack), "the pack has no conversation head: the baseline cannot flag split harm");
        assertThat(caughtOnlyAsConversation).as("split conversations flagged only at the conversation level").isPositive();
    }

    static boolean hasHead(Path pack) throws IOException {
        return Files.readString(pack.resolve("catalog.yaml")).lines().anyMatch(l -> l.startsWith("conversation:"));
    }

    @Test
    @Order(4)
    void tenThousandTurnConversationStaysWithinItsBound() throws Exception {
        long t0 = System.nanoTime();
        String[] texts = {"demo-000", "demo-003", "demo-025", "demo-043"};
        for (int i = 0; i < LONG_TURNS; i++) {
            ObjectNode e = JSON.createObjectNode().put("id", "long-1-" + i).put("conversationId", "long-1")
                    .put("role", i % 2 == 0 ? "prompt" : "completion").put("text", samples.get(texts[i % texts.length]));
            feed.sendAsync("long-1", e.toString().getBytes(StandardCharsets.UTF_8));
        }
        feed.flush();
        JsonNode last = awaitTurn("long-1", LONG_TURNS, Duration.ofMinutes(4));
        assertThat(last.get("lastEventId").asText()).isEqualTo("long-1-" + (LONG_TURNS - 1));
        try (TopicTap changelog = new TopicTap(stage.broker.bootstrapServers(), CHANGELOG)) {
            changelog.awaitUntil("long-1 at turn " + LONG_TURNS + " in the changelog", Duration.ofSeconds(60),
                    got -> lastState(got, "long-1").map(s -> s.get("turnCount").asInt() == LONG_TURNS).orElse(false));
            byte[] value = changelog.records().stream().filter(r -> "long-1".equals(r.key())).reduce((a, b) -> b).orElseThrow().value();
            JsonNode state = lastState(changelog.records(), "long-1").orElseThrow();
            stage.report("conversations: %d turns in %.1f s; stored state of the conversation %d bytes, %d turns held",
                    LONG_TURNS, (System.nanoTime() - t0) / 1e9, value.length, state.get("turns").size());
            assertThat(state.get("turnCount").asInt()).isEqualTo(LONG_TURNS);
            assertThat(state.get("turns")).as("turns held").hasSize(MAX_TURNS);
            assertThat(state.get("turns").get(MAX_TURNS - 1).get("eventId").asText()).isEqualTo("long-1-" + (LONG_TURNS - 1));
            assertThat(value.length).as("bytes of one conversation's state").isLessThan(MAX_TURNS * 4096);
        }
        String m = node.metrics();
        assertThat(gauge(m, "sae_monitor_conversation_state_bytes")).isLessThan(4 * MAX_TURNS * 4096.0);
        assertThat(gauge(m, "sae_monitor_conversations_tracked")).isGreaterThanOrEqualTo(3);
    }

    @Test
    @Order(5)
    void stateSurvivesSigkillAndMovesToASecondReplica() throws Exception {
        int benign = verdictsOf("benign-1").stream().mapToInt(v -> v.get("turns").asInt()).max().orElseThrow();
        int flagged = verdictsOf("flagged-1").stream().mapToInt(v -> v.get("turns").asInt()).max().orElseThrow();
        ServiceNode second = replica("monitor-b", List.of());
        second.awaitReady(Duration.ofMinutes(3));
        long killed = System.nanoTime();
        node.kill();
        node = second;
        turn("benign-1", "benign-1-after-kill", "prompt", "demo-003");
        turn("flagged-1", "flagged-1-after-kill", "prompt", "demo-003");
        turn("long-1", "long-1-after-kill", "prompt", "demo-003");
        JsonNode b = awaitTurn("benign-1", benign + 1, Duration.ofSeconds(90));
        JsonNode f = awaitTurn("flagged-1", flagged + 1, Duration.ofSeconds(30));
        awaitTurn("long-1", LONG_TURNS + 1, Duration.ofSeconds(30));
        double handover = (System.nanoTime() - killed) / 1e9;
        String m = node.metrics();
        stage.report("conversations: SIGKILL of monitor-a, monitor-b continued every conversation %.1f s later; "
                        + "restored %.0f changelog records, tracks %.0f conversations, %.0f bytes",
                handover, gauge(m, "sae_monitor_conversation_restored_records_total"),
                gauge(m, "sae_monitor_conversations_tracked"), gauge(m, "sae_monitor_conversation_state_bytes"));
        assertThat(b.get("flagged").asBoolean()).isFalse();
        assertThat(f.get("flagged").asBoolean()).as("flagged state moved with the conversation").isTrue();
        assertThat(gauge(m, "sae_monitor_conversations_tracked")).isGreaterThanOrEqualTo(3);
        // one push per category and operating point (a review-point alert escalates once, to the page point)
        assertThat(pages("flagged-1")).as("no second page after the move").hasSize(
                (int) pages("flagged-1").stream().map(ConversationStateIT::categoryAndSeverity).distinct().count());
    }

    @Test
    @Order(6)
    void idleConversationsExpire() throws Exception {
        node.kill();
        // SIGKILL: the turns after monitor-b's last commit are replayed on monitor-c right after its restore. They
        // are repeats and must not count, so the restored conversations expire one idle period after the hand-over
        // (5 s here, well past the replay), and a turn sent after the tombstones starts its conversation at turn 1.
        node = replica("monitor-c", List.of("monitor.conversations.idle-expiry=5s", "monitor.conversations.expiry-scan-interval=1s"));
        node.awaitReady(Duration.ofMinutes(3));
        conversations.awaitUntil("tombstones", Duration.ofSeconds(60), got -> List.of("benign-1", "flagged-1", "long-1").stream()
                .allMatch(c -> got.stream().anyMatch(r -> c.equals(r.key()) && r.value() == null)));
        turn("benign-1", "benign-1-after-expiry", "prompt", "demo-003");
        conversations.awaitUntil("benign-1 again", Duration.ofSeconds(60), got -> verdictsOf("benign-1").stream()
                .anyMatch(v -> v.get("lastEventId").asText().equals("benign-1-after-expiry")));
        JsonNode again = verdictsOf("benign-1").stream().filter(v -> v.get("lastEventId").asText().equals("benign-1-after-expiry"))
                .findFirst().orElseThrow();
        assertThat(again.get("turns").asInt()).as("an expired conversation starts again").isEqualTo(1);
        assertThat(gauge(node.metrics(), "sae_monitor_conversations_expired_total")).isGreaterThanOrEqualTo(3);
    }

    /** The conversation's latest stored state in the changelog, decoded by the service's own codec, as JSON. */
    static Optional<JsonNode> lastState(List<ConsumerRecord<String, byte[]>> changelog, String conversation) {
        return changelog.stream().filter(r -> conversation.equals(r.key()) && r.value() != null).reduce((a, b) -> b)
                .map(r -> JSON.valueToTree(StateCodec.decode(r.value())));
    }

    static String header(ConsumerRecord<String, byte[]> r, String key) {
        return Optional.ofNullable(r.headers().lastHeader(key)).map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    /** The sum of a metric's samples in a scrape. */
    static double gauge(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
