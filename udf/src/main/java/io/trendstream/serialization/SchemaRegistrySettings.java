package io.trendstream.serialization;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Confluent-compatible schema registry. Immutable and serializable, so that it travels with a Flink
 * job graph to the task managers, where the {@link SchemaRegistryClient} is built.
 *
 * <pre>{@code
 * SchemaRegistrySettings settings = SchemaRegistrySettings.builder("https://registry:8085")
 *         .basicAuthUserInfo(System.getenv("SCHEMA_REGISTRY_USER_INFO"))
 *         .trustStore("/etc/trendstream/truststore.p12", trustStorePassword, "PKCS12")
 *         .build();
 * }</pre>
 *
 * {@link #toString()} masks the password and the trust store password.
 */
public final class SchemaRegistrySettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String basicAuthUserInfo;
    private final String trustStorePath;
    private final String trustStorePassword;
    private final String trustStoreType;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int cacheCapacity;

    private SchemaRegistrySettings(Builder builder) {
        this.url = builder.url;
        this.basicAuthUserInfo = builder.basicAuthUserInfo;
        this.trustStorePath = builder.trustStorePath;
        this.trustStorePassword = builder.trustStorePassword;
        this.trustStoreType = builder.trustStoreType;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.cacheCapacity = builder.cacheCapacity;
    }

    /** Settings for the registry at {@code url}, e.g. {@code http://localhost:8085}. */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** The base URL, without a trailing slash. */
    public String url() {
        return url;
    }

    /** {@code user:password} for HTTP basic auth, if the registry needs it. */
    public Optional<String> basicAuthUserInfo() {
        return Optional.ofNullable(basicAuthUserInfo);
    }

    public Optional<String> trustStorePath() {
        return Optional.ofNullable(trustStorePath);
    }

    public Optional<String> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    public String trustStoreType() {
        return trustStoreType;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How many schemas (by id, and by subject and schema) the client keeps. */
    public int cacheCapacity() {
        return cacheCapacity;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SchemaRegistrySettings that)) {
            return false;
        }
        return cacheCapacity == that.cacheCapacity
                && url.equals(that.url)
                && Objects.equals(basicAuthUserInfo, that.basicAuthUserInfo)
                && Objects.equals(trustStorePath, that.trustStorePath)
                && Objects.equals(trustStorePassword, that.trustStorePassword)
                && trustStoreType.equals(that.trustStoreType)
                && connectTimeout.equals(that.connectTimeout)
                && requestTimeout.equals(that.requestTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, basicAuthUserInfo, trustStorePath, trustStorePassword, trustStoreType,
                connectTimeout, requestTimeout, cacheCapacity);
    }

    @Override
    public String toString() {
        return "SchemaRegistrySettings{url=" + url
                + ", basicAuthUserInfo=" + (basicAuthUserInfo == null ? "none" : maskUserInfo(basicAuthUserInfo))
                + ", trustStorePath=" + (trustStorePath == null ? "none" : trustStorePath)
                + ", trustStorePassword=" + (trustStorePassword == null ? "none" : "****")
                + ", trustStoreType=" + trustStoreType
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", cacheCapacity=" + cacheCapacity + "}";
    }

    private static String maskUserInfo(String userInfo) {
        int colon = userInfo.indexOf(':');
        return (colon < 0 ? userInfo : userInfo.substring(0, colon)) + ":****";
    }

    /** Options of {@link SchemaRegistrySettings}. */
    public static final class Builder {
        private final String url;
        private String basicAuthUserInfo;
        private String trustStorePath;
        private String trustStorePassword;
        private String trustStoreType = "PKCS12";
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int cacheCapacity = 1_000;

        private Builder(String url) {
            Objects.requireNonNull(url, "url");
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("The schema registry URL must be http or https: " + url);
            }
            if (uri.getUserInfo() != null) {
                // Credentials in the URL would end up in logs and error messages.
                throw new IllegalArgumentException(
                        "Put the schema registry credentials in basicAuthUserInfo, not in the URL");
            }
            this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }

        /** HTTP basic auth as {@code user:password}; null or blank means none. */
        public Builder basicAuthUserInfo(String userInfo) {
            if (userInfo == null || userInfo.isBlank()) {
                this.basicAuthUserInfo = null;
                return this;
            }
            if (userInfo.indexOf(':') <= 0) {
                throw new IllegalArgumentException("Basic auth user info must be user:password");
            }
            this.basicAuthUserInfo = userInfo;
            return this;
        }

        /** Trusts the certificates in this trust store (for an https registry with a private CA). */
        public Builder trustStore(String path, String password, String type) {
            this.trustStorePath = Objects.requireNonNull(path, "path");
            this.trustStorePassword = password;
            this.trustStoreType = Objects.requireNonNull(type, "type");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = requirePositive(timeout);
            return this;
        }

        public Builder cacheCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("The cache capacity must be positive: " + capacity);
            }
            this.cacheCapacity = capacity;
            return this;
        }

        public SchemaRegistrySettings build() {
            return new SchemaRegistrySettings(this);
        }

        private static Duration requirePositive(Duration timeout) {
            if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("A timeout must be positive: " + timeout);
            }
            return timeout;
        }
    }
}
