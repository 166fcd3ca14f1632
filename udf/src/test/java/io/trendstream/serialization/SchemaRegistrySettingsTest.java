package io.trendstream.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SchemaRegistrySettingsTest {

    private final SchemaRegistrySettings settings = SchemaRegistrySettings.builder("https://registry:8085/")
            .basicAuthUserInfo("flink:s3cret")
            .trustStore("/etc/trust.p12", "trust-pass", "PKCS12")
            .connectTimeout(Duration.ofSeconds(3))
            .requestTimeout(Duration.ofSeconds(7))
            .cacheCapacity(50)
            .build();

    @Test
    void keepsEveryOption() {
        assertThat(settings.url()).isEqualTo("https://registry:8085");
        assertThat(settings.basicAuthUserInfo()).contains("flink:s3cret");
        assertThat(settings.trustStorePath()).contains("/etc/trust.p12");
        assertThat(settings.trustStorePassword()).contains("trust-pass");
        assertThat(settings.trustStoreType()).isEqualTo("PKCS12");
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.cacheCapacity()).isEqualTo(50);
    }

    @Test
    void toStringMasksSecrets() {
        assertThat(settings.toString())
                .contains("https://registry:8085", "flink:****", "/etc/trust.p12")
                .doesNotContain("s3cret", "trust-pass");
        assertThat(ConfluentSchemaCoderProvider.forWriting("orders-value", settings, true).toString())
                .doesNotContain("s3cret", "trust-pass");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ConfluentSchemaCoderProvider.forWriting("orders-value", settings, false));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ConfluentSchemaCoderProvider copy = (ConfluentSchemaCoderProvider) in.readObject();
            assertThat(copy).isEqualTo(ConfluentSchemaCoderProvider.forWriting("orders-value", settings, false));
            assertThat(copy.settings()).isEqualTo(settings);
        }
    }

    @Test
    void rejectsCredentialsInTheUrlAndOtherSchemes() {
        assertThatThrownBy(() -> SchemaRegistrySettings.builder("http://flink:s3cret@registry:8085"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> SchemaRegistrySettings.builder("ftp://registry"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SchemaRegistrySettings.builder("http://registry").basicAuthUserInfo("no-colon"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadableTrustStoreIsReportedWithItsPath() {
        SchemaRegistrySettings missing = SchemaRegistrySettings.builder("https://registry:8085")
                .trustStore("/nonexistent/trust.p12", "x", "PKCS12").build();
        assertThatThrownBy(() -> new SchemaRegistryClient(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/nonexistent/trust.p12");
    }
}
