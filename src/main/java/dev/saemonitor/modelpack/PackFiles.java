package dev.saemonitor.modelpack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The YAML mapper used for pack.yaml and catalog.yaml, and the default reader directory. */
public final class PackFiles {
    /** Environment variable naming the directory that holds reader models. */
    public static final String READERS_DIR_ENV = "SAE_MONITOR_READERS_DIR";

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private PackFiles() {
    }

    /** The readers directory: {@code SAE_MONITOR_READERS_DIR}, else the build's {@code target/readers}. */
    public static java.nio.file.Path defaultReadersDir() {
        String env = System.getenv(READERS_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return java.nio.file.Path.of(env);
        }
        String prop = System.getProperty("readers.dir");
        return java.nio.file.Path.of(prop != null && !prop.isBlank() ? prop : "target/readers");
    }
}
