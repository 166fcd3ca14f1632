package io.trendstream.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.events.OrderEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against an https registry whose certificate only the configured trust store vouches for. */
class SchemaRegistryClientTlsTest {

    private static final String SERVER_PASSWORD = "server-pass";
    private static final String TRUST_PASSWORD = "trust-pass";

    @TempDir
    Path dir;

    private CannedSchemaRegistry registry;
    private Path trustStore;

    @BeforeEach
    void startHttpsRegistry() throws Exception {
        // A self-signed certificate for localhost, made with the JDK's keytool.
        Path serverStore = dir.resolve("server.p12");
        Path certificate = dir.resolve("registry.crt");
        trustStore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", serverStore.toString(), "-storepass", SERVER_PASSWORD, "-keypass", SERVER_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", serverStore.toString(),
                "-storepass", SERVER_PASSWORD, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", TRUST_PASSWORD);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            keys.load(in, SERVER_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, SERVER_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        String schemaReply = new ObjectMapper().createObjectNode()
                .put("schema", OrderEvent.getClassSchema().toString()).toString();
        registry = new CannedSchemaRegistry(tls).answer("GET", "/schemas/ids/1", 200, schemaReply);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void trustsTheRegistryThroughTheTrustStore() throws Exception {
        SchemaRegistrySettings settings = SchemaRegistrySettings.builder(registry.url())
                .trustStore(trustStore.toString(), TRUST_PASSWORD, "PKCS12").build();

        assertThat(new SchemaRegistryClient(settings).getById(1)).isEqualTo(OrderEvent.getClassSchema());
    }

    @Test
    void withoutTheTrustStoreTheRegistryIsNotTrusted() {
        SchemaRegistrySettings settings = SchemaRegistrySettings.builder(registry.url()).build();

        IOException e = catchThrowableOfType(IOException.class, () -> new SchemaRegistryClient(settings).getById(1));

        assertThat(e).isNotInstanceOf(DecodingException.class)
                .hasMessageContaining(registry.url() + "/schemas/ids/1")
                .hasMessageContaining("check the trust store");
        assertThat(registry.requests()).isEmpty();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
