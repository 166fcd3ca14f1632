package io.trendstream.generator;

/** The command line is wrong; the message names the option. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
