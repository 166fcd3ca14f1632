package io.trendstream.serialization;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;

/**
 * A client of Confluent's schema registry REST API (v1) for Avro schemas, with bounded caches: a schema never
 * changes under its id, and a (subject, schema) pair never changes its id, so both are cached without expiry.
 *
 * <p>Failures are kept apart because they call for different reactions:
 * <ul>
 *   <li>{@link UnknownSchemaException}: the id is not registered; the record is undecodable for good.</li>
 *   <li>{@link SchemaRegistryRequestException}: any other refusal (incompatible schema, unknown subject, bad
 *       credentials).</li>
 *   <li>a plain {@link IOException}: the registry is unreachable or failing (5xx); it names the URL and what to
 *       check, and the job should fail and restart rather than dead-letter records.</li>
 * </ul>
 * Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistrySettings settings;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Map<Integer, Schema> schemasById;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema;

    public SchemaRegistryClient(SchemaRegistrySettings settings) {
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.trustStorePath().isPresent()) {
            builder.sslContext(sslContext(settings));
        }
        this.http = builder.build();
        this.authorization = settings.basicAuthUserInfo().map(userInfo ->
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        this.schemasById = lruCache(settings.cacheCapacity());
        this.idsBySubjectSchema = lruCache(settings.cacheCapacity());
    }

    /** Registers a schema under a subject (or finds it registered) and returns its global id. */
    public int register(String subject, Schema schema) throws IOException {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), null);
        int id = reply.get("id").asInt();
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The id of a schema already registered under a subject; registers nothing. */
    public int getId(String subject, Schema schema) throws IOException {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = send("POST", "/subjects/" + encode(subject), schemaBody(schema), null);
        int id = reply.get("id").asInt();
        idsBySubjectSchema.put(key, id);
        return id;
    }

    /**
     * The schema with this global id.
     *
     * @throws UnknownSchemaException if the registry does not know the id
     */
    public Schema getById(int id) throws IOException {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode reply = send("GET", "/schemas/ids/" + id, null, id);
        Schema schema = parse(reply.get("schema").asText(), "/schemas/ids/" + id);
        schemasById.put(id, schema);
        return schema;
    }

    /** The latest version of a subject. Not cached: it changes whenever a new version is registered. */
    public RegisteredSchema getLatest(String subject) throws IOException {
        String path = "/subjects/" + encode(subject) + "/versions/latest";
        JsonNode reply = send("GET", path, null, null);
        Schema schema = parse(reply.get("schema").asText(), path);
        int id = reply.get("id").asInt();
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(reply.get("subject").asText(), id, reply.get("version").asInt(), schema);
    }

    /** The registered subjects; also a cheap way to ask whether the registry answers at all. */
    public List<String> getSubjects() throws IOException {
        JsonNode reply = send("GET", "/subjects", null, null);
        List<String> subjects = new ArrayList<>();
        reply.forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    public SchemaRegistrySettings settings() {
        return settings;
    }

    /**
     * Sends a request. For a lookup by id, {@code schemaId} turns a 40403 into an {@link UnknownSchemaException};
     * null for any other request. Every int is a possible id in a record's header, negative ones included.
     */
    private JsonNode send(String method, String path, String body, Integer schemaId) throws IOException {
        String url = settings.url() + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(settings.requestTimeout())
                .header("Accept", CONTENT_TYPE)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));

        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while calling the schema registry at " + url);
        } catch (SSLException e) {
            throw new SchemaRegistryUnavailableException("TLS handshake with the schema registry at " + url + " failed (" + e + "): "
                    + "check the trust store settings and the registry's certificate", e);
        } catch (IOException e) {
            throw new SchemaRegistryUnavailableException("Schema registry at " + url + " is unreachable (" + e + "): check that it is "
                    + "running, that the URL is right and that this host can reach it", e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return readJson(response.body(), url);
        }
        if (status >= 500) {
            throw new SchemaRegistryUnavailableException("Schema registry at " + url + " failed with HTTP " + status + " ("
                    + errorMessage(response.body()) + "): check the registry's logs and its Kafka store", null);
        }
        int errorCode = errorCode(response.body()).orElse(status);
        if (schemaId != null && errorCode == 40403) {
            throw new UnknownSchemaException(schemaId, "Schema id " + schemaId + " is not known to the schema "
                    + "registry at " + settings.url());
        }
        if (status == 401 || status == 403) {
            throw new SchemaRegistryRequestException(status, errorCode, "Schema registry at " + url
                    + " refused access (HTTP " + status + "): check the basic-auth user info");
        }
        throw new SchemaRegistryRequestException(status, errorCode, "Schema registry at " + url
                + " refused the request (HTTP " + status + ", error " + errorCode + "): "
                + errorMessage(response.body()));
    }

    private static JsonNode readJson(String body, String url) throws IOException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new SchemaRegistryUnavailableException("Schema registry at " + url + " answered with something other than JSON: "
                    + "check that the URL points at a schema registry", e);
        }
    }

    private static Optional<Integer> errorCode(String body) {
        try {
            JsonNode code = JSON.readTree(body).get("error_code");
            return code != null && code.canConvertToInt() ? Optional.of(code.asInt()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String errorMessage(String body) {
        try {
            JsonNode message = JSON.readTree(body).get("message");
            if (message != null) {
                return message.asText();
            }
        } catch (IOException | RuntimeException e) {
            // not Confluent's error shape; fall through
        }
        return body == null || body.isBlank() ? "no details" : body.substring(0, Math.min(body.length(), 200));
    }

    private static Schema parse(String schema, String path) throws IOException {
        try {
            return new Schema.Parser().parse(schema);
        } catch (RuntimeException e) {
            throw new SchemaRegistryUnavailableException("The schema registry returned an unparsable schema for " + path, e);
        }
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext sslContext(SchemaRegistrySettings settings) {
        Path path = Path.of(settings.trustStorePath().orElseThrow());
        char[] password = settings.trustStorePassword().map(String::toCharArray).orElse(null);
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore trustStore = KeyStore.getInstance(settings.trustStoreType());
            trustStore.load(in, password);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot load the schema registry trust store " + path
                    + " (type " + settings.trustStoreType() + "): check its path, type and password", e);
        }
    }

    private static <K, V> Map<K, V> lruCache(int capacity) {
        return Collections.synchronizedMap(LruMaps.leastRecentlyUsed(capacity));
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
