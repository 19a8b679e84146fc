package dev.saemonitor.cli;

import dev.saemonitor.modelpack.PackException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jar's command line. Exit codes: 0 ok, 2 bad arguments or bad input (including a refused pack),
 * 1 internal error. Errors go to stderr as one line that says what to fix.
 */
@Command(name = "sae-monitor", mixinStandardHelpOptions = true, version = "sae-safety-monitor 0.1.0",
        description = "Watches LLM traffic through a reader model and a sparse autoencoder.",
        subcommands = {ServeCommand.class, ScoreCommand.class, ExtractCommand.class, EncodeCommand.class,
                ImportSaeCommand.class, InitPackCommand.class, TrainSaeCommand.class, LabelFeaturesCommand.class,
                CalibrateCommand.class, RecalibrateCommand.class, EvalCommand.class, BenchCommand.class, BrokerCommand.class})
public class MonitorCli {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int BAD_INPUT = 2;

    /** A command line with the project's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MonitorCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof BadInputException || ex instanceof PackException || ex instanceof java.nio.file.NoSuchFileException
                    || ex instanceof dev.saemonitor.activations.ActivationFileException) {
                err.println("error: " + oneLine(ex));
                err.flush();
                return BAD_INPUT;
            }
            err.println("internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex));
            err.flush();
            if (Boolean.getBoolean("sae.monitor.debug")) {
                ex.printStackTrace(err);
            }
            return INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("error: " + oneLine(ex) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return BAD_INPUT;
        });
        return cl;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException) {
            m = "no such file: " + m;
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
