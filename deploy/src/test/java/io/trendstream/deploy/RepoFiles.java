package io.trendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Access to the repository's deployment files, shared by the tests. */
final class RepoFiles {
    private RepoFiles() {}

    /** The repository root: set by surefire (see deploy/pom.xml), else the module's parent directory. */
    static Path root() {
        String configured = System.getProperty("trendstream.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        root = root.toAbsolutePath().normalize();
        assertThat(root.resolve("pom.xml")).as("repository root %s", root).isRegularFile();
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + relative, e);
        }
    }

    /**
     * Parses YAML the way Compose does: anchors, aliases and merge keys ({@code <<}) resolved,
     * duplicate keys rejected.
     */
    static Object parseYaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options)).load(text);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relative) {
        Object parsed = parseYaml(read(relative));
        assertThat(parsed).as(relative).isInstanceOf(Map.class);
        return (Map<String, Object>) parsed;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value == null) {
            return Map.of();
        }
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    /** Compose's environment may be a map or a list of KEY=VALUE strings; both become a map. */
    static Map<String, String> environment(Map<String, Object> service) {
        Object env = service.get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object entry : l) {
                String s = String.valueOf(entry);
                int eq = s.indexOf('=');
                result.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return result;
    }

    /** A property of the parent pom's {@code <properties>}. */
    static String pomProperty(String name) {
        try (InputStream in = Files.newInputStream(path("pom.xml"))) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(in);
            NodeList properties = doc.getDocumentElement().getElementsByTagName("properties");
            for (int i = 0; i < properties.getLength(); i++) {
                Node props = properties.item(i);
                if (props.getParentNode() != doc.getDocumentElement()) {
                    continue;
                }
                NodeList children = props.getChildNodes();
                for (int j = 0; j < children.getLength(); j++) {
                    if (children.item(j) instanceof Element e && e.getTagName().equals(name)) {
                        return e.getTextContent().trim();
                    }
                }
            }
        } catch (Exception e) {
            throw new AssertionError("cannot read pom.xml", e);
        }
        throw new AssertionError("pom.xml has no property " + name);
    }

    /** The modules listed in the parent pom. */
    static List<String> pomModules() {
        try (InputStream in = Files.newInputStream(path("pom.xml"))) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(in);
            NodeList modules = doc.getElementsByTagName("module");
            List<String> result = new ArrayList<>();
            for (int i = 0; i < modules.getLength(); i++) {
                result.add(modules.item(i).getTextContent().trim());
            }
            return result;
        } catch (Exception e) {
            throw new AssertionError("cannot read pom.xml", e);
        }
    }

    /** An executable on the PATH, if there is one. */
    static Optional<Path> onPath(String executable) {
        String pathEnv = System.getenv("PATH");
        if (pathEnv == null) {
            return Optional.empty();
        }
        for (String dir : pathEnv.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** True when running under CI (the CI runner sets CI=true). */
    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    record ProcessResult(int exitCode, String output) {}

    static ProcessResult run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(root().toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new ProcessResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }
}
