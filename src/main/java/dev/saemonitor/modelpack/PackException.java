package dev.saemonitor.modelpack;

import java.nio.file.Path;

/** A model pack (or one of its files) was refused. The message names the file and what was expected. */
public class PackException extends RuntimeException {
    public PackException(String message) {
        super(message);
    }

    public PackException(String message, Throwable cause) {
        super(message, cause);
    }

    public static PackException of(Path file, String what) {
        return new PackException(file + ": " + what);
    }
}
