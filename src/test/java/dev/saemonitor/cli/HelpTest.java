package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every verb's {@code --help} exits 0, prints its usage and writes nothing to stderr (picocli reports
 * a broken description format string, or an option clashing with the standard help options, there).
 */
class HelpTest {

    static List<String> helpCommands() {
        List<String> all = new java.util.ArrayList<>();
        all.add("--help");
        for (String verb : MonitorCli.commandLine().getSubcommands().keySet()) {
            all.add(verb + " --help");
        }
        return all;
    }

    @ParameterizedTest
    @MethodSource("helpCommands")
    void helpExitsZeroWithoutWarnings(String line) {
        String[] args = line.split(" ");
        // picocli prints format-string warnings to System.err, not to the command line's err writer
        PrintStream realErr = System.err;
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        CliRun r;
        try {
            System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
            r = CliRun.of(args);
        } finally {
            System.setErr(realErr);
        }
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
        assertThat(r.out()).contains("Usage:");
        assertThat(r.err()).isEmpty();
        assertThat(stray.toString(StandardCharsets.UTF_8)).as("System.err of " + String.join(" ", args)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void calibrateTakesThePackVersionAsItsOwnOption() {
        var calibrate = MonitorCli.commandLine().getSubcommands().get("calibrate").getCommandSpec();
        assertThat(calibrate.findOption("--pack-version")).isNotNull();
        assertThat(calibrate.findOption("--version").usageHelp() || calibrate.findOption("--version").versionHelp())
                .as("--version is picocli's standard version option").isTrue();
    }
}
