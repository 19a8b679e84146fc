package dev.saemonitor.modelpack.importers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saemonitor.modelpack.PackException;
import dev.saemonitor.modelpack.SaeConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** A layout's JSON config file, refused naming the file when missing or not an object. */
final class SaeConfigJson {
    private SaeConfigJson() {
    }

    static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw PackException.of(file, "missing: the layout's configuration is needed for its dimensions");
        }
        return SaeConfig.readJson(file);
    }
}
