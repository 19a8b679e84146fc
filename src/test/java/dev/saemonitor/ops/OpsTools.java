package dev.saemonitor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared plumbing of the ops tests: the repository root, external tools (promtool, amtool,
 * kubectl) run as child processes with a timeout, and YAML parsing.
 */
final class OpsTools {
    static final YAMLMapper YAML = new YAMLMapper();

    private static final String INSTALL_SCRIPT = "scripts/install-ops-tools.sh";
    private static boolean installTried;

    private OpsTools() {
    }

    /** The repository root: Maven's working directory, or the nearest parent holding alerts/. */
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("alerts/sae-monitor.rules.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("alerts/sae-monitor.rules.yaml not found from " + dir);
    }

    static Path repo(String relative) {
        return repoRoot().resolve(relative);
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static List<JsonNode> readYamlDocuments(String yaml) {
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse multi-document YAML", e);
        }
    }

    /**
     * The named tool; installs promtool/amtool with scripts/install-ops-tools.sh when missing,
     * and aborts the test (skipped, with the reason) when it is still not there.
     */
    static Path requireTool(String name) {
        Optional<Path> tool = findOnPath(name);
        if (tool.isEmpty() && (name.equals("promtool") || name.equals("amtool"))) {
            tryInstall();
            tool = findOnPath(name);
        }
        if (tool.isEmpty()) {
            String hint = name.equals("kubectl")
                    ? "install kubectl (kustomize is built in) to run it"
                    : "run " + INSTALL_SCRIPT + " (Debian: apt-get install prometheus prometheus-alertmanager)";
            String message = "SKIPPED: '" + name + "' is not installed; " + hint;
            System.err.println("[ops-tests] " + message);
            Assumptions.abort(message);
        }
        return tool.get();
    }

    /**
     * The first of {@code names} found on PATH (e.g. {@code prometheus-alertmanager}, then
     * {@code alertmanager}); when none is, runs scripts/install-ops-tools.sh once and looks again.
     * Does not abort: callers that run before a test (an ExecutionCondition) decide what to do.
     */
    static Optional<Path> findOrInstall(String... names) {
        Optional<Path> tool = findFirst(names);
        if (tool.isEmpty()) {
            tryInstall();
            tool = findFirst(names);
        }
        return tool;
    }

    private static Optional<Path> findFirst(String... names) {
        for (String n : names) {
            Optional<Path> p = findOnPath(n);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> findOnPath(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"));
        for (String d : dirs) {
            if (d.isBlank()) {
                continue;
            }
            Path candidate = Path.of(d, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static synchronized void tryInstall() {
        if (installTried) {
            return;
        }
        installTried = true;
        Path script = repo(INSTALL_SCRIPT);
        if (!Files.isRegularFile(script)) {
            System.err.println("[ops-tests] " + INSTALL_SCRIPT + " not found");
            return;
        }
        System.err.println("[ops-tests] ops tools missing, running " + INSTALL_SCRIPT);
        Result r = run(Duration.ofMinutes(5), List.of("bash", script.toString()));
        System.err.println("[ops-tests] " + INSTALL_SCRIPT + " exited " + r.exitCode() + ":\n" + r.output());
    }

    record Result(int exitCode, String output, List<String> command) {
        String describe() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
        }
    }

    /** Runs a command in the repository root; stdout and stderr together; fails on timeout. */
    static Result run(Duration timeout, List<String> command) {
        try {
            Path out = Files.createTempFile("ops-tool-", ".out");
            try {
                Process p = new ProcessBuilder(command)
                        .directory(repoRoot().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
                            + "\n" + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), List.copyOf(command));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }

    static String relative(Path p) {
        return repoRoot().relativize(p.toAbsolutePath()).toString();
    }
}
