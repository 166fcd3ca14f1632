package io.trendstream.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program (npm, node) to completion with a time limit, its output kept in files (no pipe can fill up and block
 * it). For the tests' Node.js checks and {@link NpmPackages}.
 */
public final class ExternalCommand {

    /** What a finished program left. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private ExternalCommand() {
    }

    /** Whether {@code program --version} runs at all. */
    public static boolean available(String program) {
        try {
            Process process = new ProcessBuilder(program, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code command} in {@code directory} with nothing on its standard input. */
    public static Result run(Path directory, Duration timeout, List<String> command) throws IOException, InterruptedException {
        return run(directory, timeout, command, null);
    }

    /**
     * Runs {@code command} in {@code directory} with {@code stdin} (none if null) on its standard input.
     *
     * @throws IllegalStateException if it does not finish within {@code timeout} (it is killed, with its children)
     */
    public static Result run(Path directory, Duration timeout, List<String> command, String stdin)
            throws IOException, InterruptedException {
        Path in = stdin == null ? null : Files.createTempFile("command", ".in");
        Path stdout = Files.createTempFile("command", ".out");
        Path stderr = Files.createTempFile("command", ".err");
        try {
            if (in != null) {
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
            }
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectInput(in == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(in.toFile()))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " in " + directory + " did not finish within "
                        + timeout.toSeconds() + " s\n--- stdout\n" + Files.readString(stdout) + "\n--- stderr\n"
                        + Files.readString(stderr));
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            if (in != null) {
                Files.deleteIfExists(in);
            }
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
