import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Small operations of bin/pipeline that need a Kafka or JDBC client, run from source on the local tools' classpath
 * ({@code java -cp 'tools/target/lib/*' bin/lib/StackTool.java COMMAND ...}):
 *
 * <pre>
 * create-topics --bootstrap-servers H:P --partitions N [--config K=V] TOPIC...   creates the topics that are missing
 * database-role --jdbc-url URL --role NAME                           role with password $TRENDSTREAM_JDBC_PASSWORD
 * dead-letters --bootstrap-servers H:P --schema-registry-url URL [--topic dead-letters] [--max N] [--replay [--to TOPIC]]
 * </pre>
 */
public class StackTool {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            fail("Usage: StackTool create-topics|database-role|dead-letters [options]");
        }
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--replay")) {
                options.put("replay", "true");
            } else if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    fail("Missing value for " + args[i]);
                }
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        switch (args[0]) {
            case "create-topics" -> createTopics(require(options, "bootstrap-servers"),
                    Integer.parseInt(options.getOrDefault("partitions", "2")), topicConfig(options.get("config")), positional);
            case "database-role" -> databaseRole(require(options, "jdbc-url"), require(options, "role"));
            case "dead-letters" -> deadLetters(options);
            default -> fail("Unknown command " + args[0]);
        }
    }

    /** {@code cleanup.policy=compact} as a topic config; none when absent. */
    static Map<String, String> topicConfig(String keyValue) {
        if (keyValue == null) {
            return Map.of();
        }
        int equals = keyValue.indexOf('=');
        if (equals <= 0) {
            fail("--config needs KEY=VALUE, got " + keyValue);
        }
        return Map.of(keyValue.substring(0, equals), keyValue.substring(equals + 1));
    }

    static void createTopics(String bootstrap, int partitions, Map<String, String> config, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1).configs(config));
                }
            }
            admin.createTopics(missing).all().get();
            System.out.println("Topics created: " + missing.stream().map(NewTopic::name).toList()
                    + "; already there: " + topics.stream().filter(existing::contains).toList());
        }
    }

    /** The read-only role of sql/007_query_reader.sql. */
    static final String READER_ROLE = "trendstream_reader";

    /** The role of sql/008_chunk_decompression_for_writers.sql that may decompress chunks for the job's sinks. */
    static final String WRITER_ROLE = "trendstream_writer";

    /** The local server trusts localhost (initdb --auth=trust), so the superuser connects without a password. */
    static void databaseRole(String jdbcUrl, String role) throws Exception {
        String password = System.getenv("TRENDSTREAM_JDBC_PASSWORD");
        if (password == null || !password.matches("[0-9A-Za-z]{16,}")) {
            fail("TRENDSTREAM_JDBC_PASSWORD must hold the generated password (16+ letters or digits)");
        }
        if (!role.matches("[a-z_][a-z0-9_]*")) {
            fail("Role name must be a plain identifier: " + role);
        }
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Connection db = DriverManager.getConnection(jdbcUrl, props); Statement st = db.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "CREATE ROLE " + role + " LOGIN; END IF; END $$");
            st.execute("ALTER ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            st.execute("GRANT SELECT, USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
            // The job's sinks decompress compressed chunks through sql/008's function, which this role may call.
            grantIfItExists(st, WRITER_ROLE, role);
            // The gateway's query API logs in as this role too and acts as the read-only role of sql/007 (SET ROLE):
            // membership adds no right the role lacks, and the queries run with the reader's rights only.
            grantIfItExists(st, READER_ROLE, role);
        }
        System.out.println("Database role " + role + " ready (password not shown)");
    }

    /** Makes {@code role} a member of {@code group}, a role of sql/, where the schema has created it. */
    private static void grantIfItExists(Statement st, String group, String role) throws Exception {
        st.execute("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '" + group + "') THEN "
                + "GRANT " + group + " TO " + role + "; END IF; END $$");
    }

    static void deadLetters(Map<String, String> options) throws Exception {
        String bootstrap = require(options, "bootstrap-servers");
        String registry = require(options, "schema-registry-url");
        String topic = options.getOrDefault("topic", "dead-letters");
        int max = Integer.parseInt(options.getOrDefault("max", "100"));
        boolean replay = options.containsKey("replay");
        String replayTo = options.get("to");

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Only what the job committed: its Kafka sinks are transactional.
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");

        Map<Integer, Schema> schemas = new HashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        int shown = 0;
        int replayed = 0;
        int skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
                KafkaProducer<byte[], byte[]> producer = replay ? new KafkaProducer<>(producerProps) : null) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (shown < max && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (shown >= max) {
                        break;
                    }
                    GenericRecord letter = decode(record.value(), schemas, http, json, registry);
                    ByteBuffer payload = (ByteBuffer) letter.get("payload");
                    ByteBuffer key = (ByteBuffer) letter.get("key");
                    System.out.printf("%s-%d@%d  %s  from %s-%s@%s  payload %s bytes  %s%n", record.topic(),
                            record.partition(), record.offset(), letter.get("reason"), letter.get("sourceTopic"),
                            letter.get("sourcePartition"), letter.get("sourceOffset"),
                            payload == null ? "no" : String.valueOf(payload.remaining()), letter.get("detail"));
                    shown++;
                    if (replay && payload != null) {
                        if (truncated(letter)) {
                            // Only the record's beginning was kept: replaying it would produce a record that never
                            // existed (and a dead letter again).
                            System.out.printf("  not replayed: truncated, %s of %s bytes kept%n", payload.remaining(),
                                    letter.get("originalPayloadSize"));
                            skipped++;
                            continue;
                        }
                        String target = replayTo != null ? replayTo : letter.get("sourceTopic").toString();
                        producer.send(new ProducerRecord<>(target, bytes(key), bytes(payload))).get();
                        replayed++;
                    }
                }
            }
        }
        System.out.println(shown + " dead letter(s) shown" + (replay ? ", " + replayed + " replayed, " + skipped
                + " skipped (truncated: only the beginning of the record was kept)" : ""));
    }

    /** Whether the dead letter holds only the beginning of its record (DeadLetter v3 and later; older ones never do). */
    static boolean truncated(GenericRecord letter) {
        return letter.getSchema().getField("truncated") != null && Boolean.TRUE.equals(letter.get("truncated"));
    }

    static GenericRecord decode(byte[] value, Map<Integer, Schema> schemas, HttpClient http, ObjectMapper json,
            String registry) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        if (buffer.get() != 0) {
            throw new IllegalStateException("Not in Confluent wire format (magic byte 0 missing)");
        }
        int id = buffer.getInt();
        Schema schema = schemas.get(id);
        if (schema == null) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(registry + "/schemas/ids/" + id))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Schema " + id + " not found in " + registry + ": " + response.body());
            }
            schema = new Schema.Parser().parse(json.readTree(response.body()).get("schema").asText());
            schemas.put(id, schema);
        }
        return new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            fail("--" + name + " is required");
        }
        return value;
    }

    static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
