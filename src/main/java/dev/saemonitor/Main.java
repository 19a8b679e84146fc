package dev.saemonitor;

import dev.saemonitor.cli.MonitorCli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One jar, two faces: {@code serve} (the default verb) boots the Quarkus service; every other verb
 * runs as a plain picocli command without starting Quarkus, Kafka or HTTP.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    public static void main(String... args) {
        if (args.length == 0 || args[0].startsWith("-") && !isHelp(args[0])) {
            String[] withServe = new String[args.length + 1];
            withServe[0] = "serve";
            System.arraycopy(args, 0, withServe, 1, args.length);
            args = withServe;
        }
        int code = MonitorCli.commandLine().execute(args);
        if (!"serve".equals(args[0]) || code != 0) {
            System.exit(code);
        }
    }

    private static boolean isHelp(String a) {
        return a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version");
    }

    /** Runs the service until it is asked to stop (called by {@code serve} through {@link Quarkus#run}). */
    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
