package dev.saemonitor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pom runs tests in three JVMs by tag (see the surefire executions): a {@code @QuarkusTest} without its
 * tag would run in the plain tests' JVM and break on the native libraries, one with a {@code @TestProfile}
 * tagged "quarkus" would reboot Quarkus inside the shared JVM. This keeps every Quarkus test in its place.
 */
class QuarkusTestTagsTest {

    @Test
    void everyQuarkusTestCarriesTheTagOfItsJvm() throws Exception {
        Path root = Path.of(QuarkusTestTagsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> wrong = new ArrayList<>();
        int quarkus = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (!c.isAnnotationPresent(QuarkusTest.class)) {
                    continue;
                }
                quarkus++;
                String want = c.isAnnotationPresent(TestProfile.class) ? "quarkus-profile" : "quarkus";
                Tag tag = c.getAnnotation(Tag.class);
                if (tag == null || !tag.value().equals(want)) {
                    wrong.add(name + " needs @Tag(\"" + want + "\")");
                }
            }
        }
        assertThat(quarkus).as("Quarkus test classes found under " + root).isGreaterThan(0);
        assertThat(wrong).isEmpty();
    }
}
