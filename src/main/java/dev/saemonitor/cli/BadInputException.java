package dev.saemonitor.cli;

/** Input the user must fix (exit code 2); the message says what to fix and never quotes the text. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}
