package io.trendstream.jobs;

import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.testing.SchemaRegistryExtension;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `bin/pipeline dlq --replay`: bin/lib/StackTool.java, run from source as bin/pipeline runs it (on this classpath, which
 * has the tools' libraries), against a real broker and registry.
 */
class DeadLetterReplayITCase {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension(KAFKA);

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @BeforeAll
    static void createTopics() {
        KAFKA.createTopic("dead-letters", 1);
        KAFKA.createTopic("orders", 1);
    }

    @Test
    void replaysEveryWholeRecordAndSkipsTruncatedOnesSayingHowMany() throws Exception {
        Schema schema = new Schema.Parser().parse(REPO.resolve("udf/src/main/avro/DeadLetter.avsc").toFile());
        int id = register("dead-letters-value", schema);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (GenericRecord letter : List.of(letter(schema, "order-1", 7, false), letter(schema, "order-2", 7, false),
                    letter(schema, "the beginning of order-3", 1_048_700, true))) {
                producer.send(new ProducerRecord<>("dead-letters", frame(id, schema, letter))).get();
            }
        }

        Path log = Files.createTempFile("stack-tool", ".log");
        log.toFile().deleteOnExit();
        Process tool = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"),
                REPO.resolve("bin/lib/StackTool.java").toString(), "dead-letters",
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--schema-registry-url", REGISTRY.server().url(), "--replay")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = tool.waitFor(5, TimeUnit.MINUTES); // it compiles itself first: slow on a loaded machine
        if (!exited) {
            tool.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(exited).as("the tool exited: %s", output).isTrue();
        assertThat(tool.exitValue()).as(output).isZero();
        assertThat(output).contains("3 dead letter(s) shown, 2 replayed, 1 skipped (truncated: only the beginning of the"
                + " record was kept)", "not replayed: truncated, 24 of 1048700 bytes kept");
        assertThat(values("orders")).containsExactly("order-1", "order-2");
    }

    private static GenericRecord letter(Schema schema, String payload, int originalSize, boolean truncated) {
        GenericRecord letter = new GenericData.Record(schema);
        letter.put("reason", "UNDECODABLE");
        letter.put("detail", "test");
        letter.put("sourceTopic", "orders");
        letter.put("sourcePartition", 0);
        letter.put("sourceOffset", 0L);
        letter.put("sourceTimestamp", 0L);
        letter.put("payload", ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
        letter.put("originalPayloadSize", originalSize);
        letter.put("truncated", truncated);
        return letter;
    }

    /** Confluent's wire format: magic byte 0, the schema id, the Avro body. */
    private static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static int register(String subject, Schema schema) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(REGISTRY.server().url() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("schema", schema.toString()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).get("id").asInt();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Every value of the topic, up to its end when asked. */
    private static List<String> values(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
