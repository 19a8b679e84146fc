package dev.saemonitor.activations;

/** Activation files that do not fit the texts or the pack: the message names the file, line or id and what was expected. */
public final class ActivationFileException extends RuntimeException {
    public ActivationFileException(String message) {
        super(message);
    }
}
