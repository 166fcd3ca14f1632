package io.trendstream.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent's schema registry REST API (v1) over {@link SchemaRegistry}: routes requests, reads and writes JSON,
 * and answers failures in Confluent's shape {@code {"error_code": ..., "message": ...}}.
 */
final class RestApi implements HttpHandler {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final Set<String> ACCEPTED_CONTENT_TYPES = Set.of(
            CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream");

    private final SchemaRegistry registry;
    private final ObjectMapper json = new ObjectMapper();

    RestApi(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = route(exchange);
            } catch (RegistryException e) {
                if (e.httpStatus() >= 500) {
                    LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                }
                response = error(e.httpStatus(), e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                response = error(500, 500, "Internal server error");
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private Response route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        String query = exchange.getRequestURI().getQuery();
        int size = path.size();
        String head = size == 0 ? "" : path.get(0);

        if (size == 0) {
            return method.equals("GET") ? ok(json.createObjectNode()) : notAllowed(method);
        }
        switch (head) {
            case "subjects":
                if (size == 1) {
                    return method.equals("GET") ? ok(strings(registry.subjects())) : notAllowed(method);
                }
                String subject = path.get(1);
                if (size == 2) {
                    return switch (method) {
                        case "POST" -> {
                            JsonNode body = readBody(exchange);
                            yield ok(versionNode(registry.lookup(subject, text(body, "schema"), text(body, "schemaType"))));
                        }
                        case "DELETE" -> ok(ints(registry.deleteSubject(subject)));
                        default -> notAllowed(method);
                    };
                }
                if (!path.get(2).equals("versions")) {
                    break;
                }
                if (size == 3) {
                    return switch (method) {
                        case "GET" -> ok(ints(registry.versions(subject)));
                        case "POST" -> {
                            JsonNode body = readBody(exchange);
                            int id = registry.register(subject, text(body, "schema"), text(body, "schemaType"));
                            yield ok(json.createObjectNode().put("id", id));
                        }
                        default -> notAllowed(method);
                    };
                }
                if (!method.equals("GET")) {
                    return notAllowed(method);
                }
                RegisteredVersion version = registry.version(subject, path.get(3));
                if (size == 4) {
                    return ok(versionNode(version));
                }
                if (size == 5 && path.get(4).equals("schema")) {
                    return new Response(200, version.schema());
                }
                break;
            case "schemas":
                if (size == 2 && path.get(1).equals("types")) {
                    return method.equals("GET") ? ok(strings(List.of("AVRO"))) : notAllowed(method);
                }
                if (size >= 3 && path.get(1).equals("ids")) {
                    if (!method.equals("GET")) {
                        return notAllowed(method);
                    }
                    int id = parseId(path.get(2));
                    if (size == 3) {
                        return ok(json.createObjectNode().put("schema", registry.schemaById(id)));
                    }
                    if (size == 4 && path.get(3).equals("schema")) {
                        return new Response(200, registry.schemaById(id));
                    }
                    if (size == 4 && path.get(3).equals("versions")) {
                        ArrayNode versions = json.createArrayNode();
                        registry.versionsWithId(id).forEach(v -> versions.addObject()
                                .put("subject", v.subject()).put("version", v.version()));
                        return ok(versions);
                    }
                }
                break;
            case "compatibility":
                if (size == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
                    if (!method.equals("POST")) {
                        return notAllowed(method);
                    }
                    JsonNode body = readBody(exchange);
                    SchemaRegistry.CompatibilityResult result = registry.testCompatibility(
                            path.get(2), path.get(4), text(body, "schema"), text(body, "schemaType"));
                    ObjectNode node = json.createObjectNode().put("is_compatible", result.compatible());
                    node.set("messages", strings(result.messages()));
                    return ok(node);
                }
                break;
            case "config":
                if (size == 1) {
                    return switch (method) {
                        case "GET" -> ok(level("compatibilityLevel", registry.globalLevel()));
                        case "PUT" -> {
                            CompatibilityLevel level = CompatibilityLevel.parse(text(readBody(exchange), "compatibility"));
                            registry.setGlobalLevel(level);
                            yield ok(level("compatibility", level));
                        }
                        default -> notAllowed(method);
                    };
                }
                if (size == 2) {
                    String configSubject = path.get(1);
                    return switch (method) {
                        case "GET" -> ok(level("compatibilityLevel",
                                registry.subjectLevel(configSubject, hasFlag(query, "defaultToGlobal"))));
                        case "PUT" -> {
                            CompatibilityLevel level = CompatibilityLevel.parse(text(readBody(exchange), "compatibility"));
                            registry.setSubjectLevel(configSubject, level);
                            yield ok(level("compatibility", level));
                        }
                        default -> notAllowed(method);
                    };
                }
                break;
            default:
                break;
        }
        throw RegistryException.notFound(exchange.getRequestURI().getPath());
    }

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mediaType.isEmpty() && !ACCEPTED_CONTENT_TYPES.contains(mediaType)) {
                throw RegistryException.unsupportedMediaType(contentType);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            JsonNode body = json.readTree(in);
            if (body == null || !body.isObject()) {
                throw RegistryException.badRequest("The request body must be a JSON object");
            }
            JsonNode references = body.get("references");
            if (references != null && references.isArray() && !references.isEmpty()) {
                // Ignoring them would register a schema that cannot be parsed on its own.
                throw RegistryException.invalidSchema("schema references are not supported; embed the named types", null);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw RegistryException.badRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private ObjectNode versionNode(RegisteredVersion version) {
        return json.createObjectNode()
                .put("subject", version.subject())
                .put("id", version.id())
                .put("version", version.version())
                .put("schema", version.schema());
    }

    private ObjectNode level(String field, CompatibilityLevel level) {
        return json.createObjectNode().put(field, level.name());
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private ArrayNode ints(List<Integer> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private Response ok(JsonNode body) {
        return new Response(200, body.toString());
    }

    private Response error(int status, int errorCode, String message) {
        return new Response(status, json.createObjectNode().put("error_code", errorCode).put("message", message).toString());
    }

    private static Response notAllowed(String method) {
        throw RegistryException.methodNotAllowed(method);
    }

    private static int parseId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("id " + id);
        }
    }

    private static boolean hasFlag(String query, String name) {
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (pair.equalsIgnoreCase(name + "=true")) {
                return true;
            }
        }
        return false;
    }

    /** Path segments, percent-decoded one by one so that an encoded '/' stays inside a subject name. */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private record Response(int status, String body) {
    }
}
