package io.trendstream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one PostgreSQL utility (initdb, pg_ctl) to completion, optionally as another OS user via
 * {@code runuser} (initdb and postgres refuse to run as root), and captures its combined output.
 */
final class PostgresCommand {

    private final List<String> command;
    private final Optional<String> osUser;
    private final Duration timeout;

    private PostgresCommand(List<String> command, Optional<String> osUser, Duration timeout) {
        this.command = List.copyOf(command);
        this.osUser = osUser;
        this.timeout = timeout;
    }

    static PostgresCommand of(Optional<String> osUser, Duration timeout, List<String> command) {
        return new PostgresCommand(command, osUser, timeout);
    }

    /** The outcome of a finished command. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs the command; a non-zero exit code is returned, not thrown. */
    Result run() {
        List<String> full = new ArrayList<>();
        osUser.ifPresent(user -> full.addAll(List.of("runuser", "-u", user, "--")));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full)
                .redirectErrorStream(true)
                // "/" is readable by every user; the invoking user's cwd (e.g. /root) may not be.
                .directory(Path.of("/").toFile());
        pb.environment().remove("PGDATA");
        pb.environment().remove("PGPORT");
        pb.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run `" + describe() + "`"
                    + (osUser.isPresent() ? " (is `runuser` from util-linux installed?)" : ""), e);
        }
        // Drain output concurrently so a chatty process cannot block on a full pipe.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("`" + describe() + "` did not finish within " + timeout
                        + " and was killed. Check the machine's load and the PostgreSQL server log.");
            }
            return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running `" + describe() + "`", e);
        } catch (ExecutionException | TimeoutException e) {
            return new Result(process.exitValue(), "<output unavailable: " + e + ">");
        }
    }

    /** Runs the command and fails with its output when it exits non-zero. */
    String runOrThrow(String whatToCheck) {
        Result result = run();
        if (!result.succeeded()) {
            throw new IllegalStateException("`" + describe() + "` failed with exit code " + result.exitCode()
                    + ". " + whatToCheck + "\nOutput:\n" + result.output().strip());
        }
        return result.output();
    }

    /** The command line as text; never contains secrets because passwords are only passed via files. */
    String describe() {
        return (osUser.map(u -> "runuser -u " + u + " -- ").orElse("")) + String.join(" ", command);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<output unreadable: " + e.getMessage() + ">";
        }
    }
}
