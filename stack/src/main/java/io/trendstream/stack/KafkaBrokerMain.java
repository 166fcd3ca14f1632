package io.trendstream.stack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link KafkaBroker} in the foreground until the process is stopped (SIGTERM or Ctrl-C).
 *
 * <pre>
 * java -cp ... io.trendstream.stack.KafkaBrokerMain --port 9092 --controller-port 9093 --dir .local/kafka
 * </pre>
 *
 * The directory is formatted on first start and reused afterwards, so topics and records survive restarts.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 9092;
        int controllerPort = 9093;
        Path dir = Path.of(".local/kafka");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                usage(System.out);
                return;
            }
            if (i + 1 >= args.length) {
                fail("Missing value for " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> port = parsePort(option, value);
                case "--controller-port" -> controllerPort = parsePort(option, value);
                case "--dir" -> dir = Path.of(value);
                default -> fail("Unknown option " + option);
            }
        }

        KafkaBroker broker = KafkaBroker.builder().dataDirectory(dir).port(port).controllerPort(controllerPort).build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.close();
            fail("Kafka broker failed to start: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.println("Kafka broker ready on " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static int parsePort(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(option + " needs a port number between 1 and 65535, got '" + value + "'");
        return -1;
    }

    private static void usage(java.io.PrintStream out) {
        out.println("Usage: KafkaBrokerMain [--port 9092] [--controller-port 9093] [--dir .local/kafka]");
    }

    private static void fail(String message) {
        System.err.println(message);
        usage(System.err);
        System.exit(2);
    }
}
