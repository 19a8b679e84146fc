package dev.saemonitor.broker;

import dev.saemonitor.cli.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the class loader that sees Kafka's broker and test kit. The packaged service does not carry them in
 * {@code lib/main} (the container image has no test broker); the build copies them to {@code lib/broker} next to it
 * ({@code target/quarkus-app/lib/broker}), which {@code ./monitor} and {@code java -jar target/quarkus-app/quarkus-run.jar}
 * find on their own. {@code SAE_MONITOR_BROKER_LIB} (or {@code -Dsae.monitor.broker-lib}) names another directory.
 * On the test class path the kit is visible directly.
 */
final class BrokerLib {
    static final String ENV = "SAE_MONITOR_BROKER_LIB";
    static final String PROPERTY = "sae.monitor.broker-lib";
    private static final String KIT = "org.apache.kafka.common.test.KafkaClusterTestKit";
    private static volatile ClassLoader loader;

    private BrokerLib() {
    }

    /** {@link TestKitBroker} as loaded where the broker jars are visible; a user-facing error naming where it looked. */
    static Class<?> testKitBroker() throws ClassNotFoundException {
        return Class.forName(TestKitBroker.class.getName(), true, loader());
    }

    private static synchronized ClassLoader loader() {
        if (loader != null) {
            return loader;
        }
        ClassLoader own = BrokerLib.class.getClassLoader();
        try {
            Class.forName(KIT, false, own);
            return loader = own;
        } catch (ClassNotFoundException | LinkageError absent) {
            // the packaged service: look for lib/broker
        }
        List<Path> tried = candidates();
        for (Path dir : tried) {
            List<URL> jars = jars(dir);
            if (!jars.isEmpty()) {
                return loader = new KitLoader(jars.toArray(URL[]::new), own);
            }
        }
        throw new BadInputException("the in-process Kafka broker is not part of this installation (no broker jars in "
                + tried + "; the container image carries none): point the service at a broker with"
                + " KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers, or set " + ENV + " to a directory of broker jars");
    }

    private static List<Path> candidates() {
        String named = System.getProperty(PROPERTY, System.getenv(ENV));
        if (named != null && !named.isBlank()) {
            return List.of(Path.of(named));
        }
        List<Path> dirs = new ArrayList<>();
        // the fast-jar layout: <app>/app/<service>.jar (this class) and <app>/quarkus-run.jar (java.class.path)
        try {
            Path src = Path.of(BrokerLib.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (src.getParent() != null && src.getParent().getParent() != null) {
                dirs.add(src.getParent().getParent().resolve("lib/broker"));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (unusual class loader): the class path below
        }
        String cp = System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)[0];
        if (!cp.isBlank() && Path.of(cp).toAbsolutePath().getParent() != null) {
            Path d = Path.of(cp).toAbsolutePath().getParent().resolve("lib/broker");
            if (!dirs.contains(d)) {
                dirs.add(d);
            }
        }
        return dirs.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    private static List<URL> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<URL> urls = new ArrayList<>();
            for (Path p : s.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(p.toUri().toURL());
            }
            return urls;
        } catch (MalformedURLException e) {
            throw new IllegalStateException("a jar in " + dir + " has no URL", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list broker jars in " + dir, e);
        }
    }

    /**
     * The broker jars over the service's class loader (whose kafka-clients, Jackson, SLF4J they share), defining
     * {@link TestKitBroker} itself so that its references to the test kit resolve here.
     */
    private static final class KitLoader extends URLClassLoader {
        KitLoader(URL[] jars, ClassLoader parent) {
            super("sae-monitor-broker-lib", jars, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(TestKitBroker.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String res = name.replace('.', '/') + ".class";
                    try (InputStream in = getParent().getResourceAsStream(res)) {
                        if (in == null) {
                            throw new ClassNotFoundException(name + ": " + res + " not found in the service's class path");
                        }
                        byte[] b = in.readAllBytes();
                        c = defineClass(name, b, 0, b.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
