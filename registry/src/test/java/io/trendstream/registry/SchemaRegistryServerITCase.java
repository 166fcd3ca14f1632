package io.trendstream.registry;

import static io.trendstream.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.registry.RegistryHttp.Reply;
import io.trendstream.stack.KafkaBrokerExtension;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaRegistryServerITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static final String USER_V1 = """
            {"type": "record", "name": "User", "namespace": "io.trendstream.test",
             "fields": [{"name": "name", "type": "string"}]}""";
    /** v1 plus a field with a default: BACKWARD compatible. */
    private static final String USER_V2 = """
            {"type": "record", "name": "User", "namespace": "io.trendstream.test",
             "fields": [{"name": "name", "type": "string"},
                        {"name": "email", "type": ["null", "string"], "default": null}]}""";
    /** v1 plus a field without a default: the new schema cannot read v1 data. */
    private static final String USER_REQUIRED_AGE = """
            {"type": "record", "name": "User", "namespace": "io.trendstream.test",
             "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}""";

    private final List<SchemaRegistryServer> servers = new ArrayList<>();
    private String topic;
    private RegistryHttp http;

    @BeforeEach
    void startRegistry() {
        // Each test gets its own topic, so ids start at 1 and no test sees another's subjects.
        topic = "_schemas-" + TOPICS.incrementAndGet();
        http = new RegistryHttp(start(SchemaRegistryServer.builder()).url());
    }

    @AfterEach
    void stopRegistries() {
        servers.forEach(SchemaRegistryServer::close);
    }

    @Test
    void registersAndLooksUpSchemas() {
        assertThat(http.get("/subjects").json()).isEmpty();

        Reply registered = http.post("/subjects/users-value/versions", schemaBody(USER_V1));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.json().toString()).isEqualTo("{\"id\":1}");

        assertThat(http.get("/subjects").json().toString()).isEqualTo("[\"users-value\"]");
        assertThat(http.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1]");

        JsonNode latest = http.get("/subjects/users-value/versions/latest").json();
        assertThat(latest.get("subject").asText()).isEqualTo("users-value");
        assertThat(latest.get("id").asInt()).isEqualTo(1);
        assertThat(latest.get("version").asInt()).isEqualTo(1);
        assertThat(new Schema.Parser().parse(latest.get("schema").asText())).isEqualTo(parse(USER_V1));
        assertThat(http.get("/subjects/users-value/versions/1").json()).isEqualTo(latest);

        Reply raw = http.get("/subjects/users-value/versions/1/schema");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(parse(raw.body())).isEqualTo(parse(USER_V1));

        JsonNode byId = http.get("/schemas/ids/1").json();
        assertThat(parse(byId.get("schema").asText())).isEqualTo(parse(USER_V1));
        assertThat(parse(http.get("/schemas/ids/1/schema").body())).isEqualTo(parse(USER_V1));
        assertThat(http.get("/schemas/ids/1/versions").json().toString())
                .isEqualTo("[{\"subject\":\"users-value\",\"version\":1}]");
        assertThat(http.get("/schemas/types").json().toString()).isEqualTo("[\"AVRO\"]");

        JsonNode lookup = http.post("/subjects/users-value", schemaBody(USER_V1)).json();
        assertThat(lookup.get("id").asInt()).isEqualTo(1);
        assertThat(lookup.get("version").asInt()).isEqualTo(1);
        assertThat(lookup.get("subject").asText()).isEqualTo("users-value");
    }

    @Test
    void identicalSchemasKeepTheirId() {
        assertThat(register("users-value", USER_V1)).isEqualTo(1);
        // The same schema laid out differently is the same schema.
        String reformatted = parse(USER_V1).toString(true);
        assertThat(register("users-value", reformatted)).isEqualTo(1);
        assertThat(http.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1]");

        // Another subject reuses the global id but gets its own version 1.
        assertThat(register("customers-value", USER_V1)).isEqualTo(1);
        assertThat(http.get("/subjects/customers-value/versions").json().toString()).isEqualTo("[1]");
        assertThat(http.get("/schemas/ids/1/versions").json().toString()).isEqualTo(
                "[{\"subject\":\"customers-value\",\"version\":1},{\"subject\":\"users-value\",\"version\":1}]");

        assertThat(register("users-value", USER_V2)).isEqualTo(2);
        assertThat(http.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1,2]");
    }

    @Test
    void backwardCompatibilityIsEnforcedByDefault() {
        assertThat(http.get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        register("users-value", USER_V1);

        JsonNode test = http.post("/compatibility/subjects/users-value/versions/latest",
                schemaBody(USER_REQUIRED_AGE)).json();
        assertThat(test.get("is_compatible").asBoolean()).isFalse();
        assertThat(test.get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("age");

        Reply rejected = http.post("/subjects/users-value/versions", schemaBody(USER_REQUIRED_AGE));
        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.json().get("error_code").asInt()).isEqualTo(409);
        assertThat(rejected.json().get("message").asText()).contains("incompatible");
        assertThat(http.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1]");

        JsonNode compatible = http.post("/compatibility/subjects/users-value/versions/1", schemaBody(USER_V2)).json();
        assertThat(compatible.toString()).isEqualTo("{\"is_compatible\":true,\"messages\":[]}");
        assertThat(register("users-value", USER_V2)).isEqualTo(2);
    }

    @Test
    void honoursCompatibilityConfig() {
        register("users-value", USER_V1);

        Reply set = http.put("/config/users-value", "{\"compatibility\": \"NONE\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().toString()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(http.get("/config/users-value").json().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(http.get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(register("users-value", USER_REQUIRED_AGE)).isEqualTo(2);

        // FULL_TRANSITIVE: adding an optional field reads both ways; adding a required one does not.
        assertThat(http.put("/config", "{\"compatibility\": \"FULL_TRANSITIVE\"}").json().toString())
                .isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(http.get("/config").json().toString()).isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        register("orders-value", USER_V1);
        assertThat(register("orders-value", USER_V2)).isEqualTo(3);
        Reply rejected = http.post("/subjects/orders-value/versions", schemaBody(USER_REQUIRED_AGE));
        assertThat(rejected.status()).isEqualTo(409);

        assertThat(http.get("/config/orders-value").json().get("error_code").asInt()).isEqualTo(40408);
        assertThat(http.get("/config/orders-value?defaultToGlobal=true").json().toString())
                .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        Reply invalid = http.put("/config", "{\"compatibility\": \"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("error_code").asInt()).isEqualTo(42203);
    }

    @Test
    void answersErrorsWithConfluentCodes() {
        register("users-value", USER_V1);

        assertError(http.get("/subjects/nobody/versions"), 404, 40401);
        assertError(http.get("/subjects/nobody/versions/latest"), 404, 40401);
        assertError(http.get("/subjects/users-value/versions/7"), 404, 40402);
        assertError(http.get("/subjects/users-value/versions/zero"), 422, 42202);
        assertError(http.get("/subjects/users-value/versions/0"), 422, 42202);
        assertError(http.get("/schemas/ids/99"), 404, 40403);
        assertError(http.post("/subjects/users-value", schemaBody(USER_V2)), 404, 40403);
        assertError(http.post("/subjects/nobody", schemaBody(USER_V1)), 404, 40401);
        assertError(http.post("/subjects/users-value/versions", schemaBody("{\"type\": \"recrd\"}")), 422, 42201);
        assertError(http.post("/subjects/users-value/versions",
                "{\"schema\": \"{}\", \"schemaType\": \"PROTOBUF\"}"), 422, 42201);
        assertError(http.post("/subjects/users-value/versions", "{\"schema\": \"\\\"string\\\"\", "
                + "\"references\": [{\"name\": \"x\", \"subject\": \"x\", \"version\": 1}]}"), 422, 42201);
        assertError(http.post("/subjects/users-value/versions", "not json"), 400, 400);
        assertError(http.get("/nowhere"), 404, 404);
    }

    @Test
    void softDeleteHidesTheSubjectButKeepsItsIds() {
        register("users-value", USER_V1);
        register("users-value", USER_V2);

        Reply deleted = http.delete("/subjects/users-value");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().toString()).isEqualTo("[1,2]");
        assertThat(http.get("/subjects").json()).isEmpty();
        assertError(http.get("/subjects/users-value/versions"), 404, 40401);
        assertError(http.delete("/subjects/users-value"), 404, 40401);
        assertThat(parse(http.get("/schemas/ids/2").json().get("schema").asText())).isEqualTo(parse(USER_V2));

        // Versions are never reused; the schema keeps its id.
        assertThat(register("users-value", USER_V1)).isEqualTo(1);
        assertThat(http.get("/subjects/users-value/versions").json().toString()).isEqualTo("[3]");
    }

    @Test
    void idsAndVersionsSurviveARestart() {
        register("users-value", USER_V1);
        register("users-value", USER_V2);
        register("customers-value", USER_V1);
        http.put("/config/customers-value", "{\"compatibility\": \"NONE\"}");
        http.delete("/subjects/customers-value");
        servers.remove(0).close();

        RegistryHttp restarted = new RegistryHttp(start(SchemaRegistryServer.builder()).url());
        assertThat(restarted.get("/subjects").json().toString()).isEqualTo("[\"users-value\"]");
        assertThat(restarted.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1,2]");
        JsonNode latest = restarted.get("/subjects/users-value/versions/latest").json();
        assertThat(latest.get("id").asInt()).isEqualTo(2);
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(parse(restarted.get("/schemas/ids/1").json().get("schema").asText())).isEqualTo(parse(USER_V1));
        assertThat(restarted.get("/config/customers-value").json().toString())
                .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");

        // The next id follows on from the last one, and an old schema keeps its id.
        assertThat(restarted.post("/subjects/users-value/versions", schemaBody(USER_V1)).json().get("id").asInt())
                .isEqualTo(1);
        String v3 = USER_V2.replace("\"default\": null}", "\"default\": null}, "
                + "{\"name\": \"city\", \"type\": \"string\", \"default\": \"Berlin\"}");
        assertThat(restarted.post("/subjects/users-value/versions", schemaBody(v3)).json().toString())
                .isEqualTo("{\"id\":3}");
        assertThat(restarted.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1,2,3]");
    }

    @Test
    void basicAuthRejectsMissingAndWrongCredentials() {
        SchemaRegistryServer secured = start(SchemaRegistryServer.builder().basicAuthUser("flink", "s3cret"));
        RegistryHttp anonymous = new RegistryHttp(secured.url());
        assertThat(anonymous.get("/subjects").status()).isEqualTo(401);
        assertThat(anonymous.withBasicAuth("flink", "wrong").get("/subjects").status()).isEqualTo(401);
        assertThat(anonymous.withBasicAuth("nobody", "s3cret").get("/subjects").status()).isEqualTo(401);

        RegistryHttp authorised = anonymous.withBasicAuth("flink", "s3cret");
        assertThat(authorised.post("/subjects/users-value/versions", schemaBody(USER_V1)).status()).isEqualTo(200);
        assertThat(authorised.get("/subjects").json().toString()).isEqualTo("[\"users-value\"]");
    }

    private SchemaRegistryServer start(SchemaRegistryServer.Builder builder) {
        SchemaRegistryServer server = builder.bootstrapServers(KAFKA.bootstrapServers()).topic(topic).build().start();
        servers.add(server);
        return server;
    }

    private int register(String subject, String schema) {
        Reply reply = http.post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asInt();
    }

    private static void assertError(Reply reply, int status, int errorCode) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.json().get("error_code").asInt()).as(reply.body()).isEqualTo(errorCode);
        assertThat(reply.json().get("message").asText()).isNotBlank();
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }
}
