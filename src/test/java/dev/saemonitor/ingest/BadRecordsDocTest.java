package dev.saemonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saemonitor.testing.BadRecords;
import dev.saemonitor.testing.BadRecords.BadRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/reliability.md's "Bad records" table lists exactly the kinds the tests send, with their reasons. */
class BadRecordsDocTest {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9_]+)`\\s*\\|[^|]*\\|\\s*`([a-z0-9_]+)`\\s*\\|");

    @Test
    void tableMatchesTheBadRecordsList() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docs/reliability.md"));
        int start = lines.indexOf("## Bad records");
        assertThat(start).as("section '## Bad records' in docs/reliability.md").isNotNegative();
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                documented.put(m.group(1), m.group(2));
            }
        }
        Map<String, String> sent = BadRecords.all().stream()
                .collect(Collectors.toMap(BadRecord::kind, BadRecord::reason, (a, b) -> a, LinkedHashMap::new));
        assertThat(documented).isEqualTo(sent);
    }
}
