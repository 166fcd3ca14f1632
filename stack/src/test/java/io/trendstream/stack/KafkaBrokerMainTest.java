package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link KafkaBrokerMain} as a separate process, as a developer would from the command line. */
class KafkaBrokerMainTest {

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsUntilTerminatedAndKeepsItsDataAcrossRestarts(@TempDir Path dir) throws Exception {
        List<Integer> ports = FreePorts.distinct(3);
        int port = ports.get(0);
        int controllerPort = ports.get(1);
        String bootstrap = "localhost:" + port;

        Broker first = launch(port, controllerPort, dir);
        assertThat(first.awaitLine("Kafka broker ready on ")).isEqualTo("Kafka broker ready on " + bootstrap);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("kept", "k", "survives")).get(30, TimeUnit.SECONDS);
        }

        Broker second = launch(port, ports.get(2), dir.resolve("other"));
        assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process().exitValue()).isEqualTo(2);
        assertThat(second.awaitLine("Kafka broker failed to start"))
                .contains("port " + port + " is already in use");

        first.process().destroy();
        assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();

        Broker restarted = launch(port, controllerPort, dir);
        restarted.awaitLine("Kafka broker ready on ");
        assertThat(readAll(bootstrap, "kept")).containsExactly("survives");
    }

    private Broker launch(int port, int controllerPort, Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                "--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort),
                "--dir", dir.toString())
                .redirectErrorStream(true)
                .start();
        processes.add(process);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "broker-output");
        reader.setDaemon(true);
        reader.start();
        return new Broker(process, lines);
    }

    private record Broker(Process process, BlockingQueue<String> lines) {
        /** Waits for the first output line starting with {@code prefix}. */
        String awaitLine(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line != null) {
                    seen.add(line);
                }
            }
            throw new AssertionError("No line starting with '" + prefix + "'; output was " + seen);
        }
    }

    private static List<String> readAll(String bootstrap, String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
