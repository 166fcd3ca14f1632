package io.trendstream.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import com.sun.net.httpserver.BasicAuthenticator;

/** HTTP basic authentication against a fixed set of users. Passwords are compared in constant time. */
final class UserAuthenticator extends BasicAuthenticator {

    private final Map<String, byte[]> passwords;

    UserAuthenticator(Map<String, String> users) {
        super("schema-registry", StandardCharsets.UTF_8);
        this.passwords = Map.copyOf(users.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().getBytes(StandardCharsets.UTF_8))));
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        byte[] expected = passwords.get(user);
        return expected != null && password != null
                && MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
    }
}
