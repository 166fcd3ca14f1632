package io.trendstream.registry;

/**
 * A request the registry refuses, with Confluent's error code. The HTTP status is the code's first three digits
 * (40401 is a 404) except where Confluent says otherwise (409 and 50001).
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final int httpStatus;

    private RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.", null);
    }

    static RegistryException versionNotFound(String subject, int version) {
        return new RegistryException(404, 40402, "Version " + version + " not found for subject '" + subject + "'.", null);
    }

    static RegistryException schemaNotFound(String detail) {
        return new RegistryException(404, 40403, "Schema not found: " + detail, null);
    }

    static RegistryException subjectLevelCompatibilityNotConfigured(String subject) {
        return new RegistryException(404, 40408,
                "Subject '" + subject + "' does not have subject-level compatibility configured", null);
    }

    static RegistryException incompatible(String message) {
        return new RegistryException(409, 409, message, null);
    }

    static RegistryException invalidSchema(String detail, Throwable cause) {
        return new RegistryException(422, 42201, "Invalid schema: " + detail, cause);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202,
                "The specified version '" + version + "' is not a valid version id. Allowed values are between "
                        + "[1, 2^31-1] and the string \"latest\"", null);
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                + "forward, full, backward_transitive, forward_transitive, and full_transitive: " + level, null);
    }

    static RegistryException storeError(String message, Throwable cause) {
        return new RegistryException(500, 50001, message, cause);
    }

    static RegistryException badRequest(String message) {
        return new RegistryException(400, 400, message, null);
    }

    static RegistryException notFound(String path) {
        return new RegistryException(404, 404, "HTTP 404 Not Found: " + path, null);
    }

    static RegistryException methodNotAllowed(String method) {
        return new RegistryException(405, 405, "HTTP 405 Method Not Allowed: " + method, null);
    }

    static RegistryException unsupportedMediaType(String contentType) {
        return new RegistryException(415, 415, "HTTP 415 Unsupported Media Type: " + contentType, null);
    }
}
