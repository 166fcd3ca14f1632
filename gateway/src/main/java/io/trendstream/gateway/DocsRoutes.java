package io.trendstream.gateway;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /openapi.json}: the API's OpenAPI 3.1 document ({@code openapi.json} on the class path, written by
 * hand next to the code it describes). {@code GET /docs}: Swagger UI from the {@code org.webjars:swagger-ui} jar,
 * served by the gateway itself (no CDN), pointed at that document.
 */
public final class DocsRoutes implements RouteGroup {

    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css",
            "swagger-ui-bundle.js", "text/javascript",
            "swagger-ui-standalone-preset.js", "text/javascript",
            "favicon-32x32.png", "image/png");

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="UTF-8">
              <title>TrendStream gateway API</title>
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
              <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
              <script src="/docs/assets/docs.js"></script>
            </body>
            </html>
            """;

    /** Inline scripts would need a looser Content-Security-Policy; a file of our own does not. */
    private static final String INIT = """
            window.ui = SwaggerUIBundle({
              url: "/openapi.json",
              dom_id: "#swagger-ui",
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: "StandaloneLayout"
            });
            """;

    private final byte[] openApi = read("openapi.json");
    private final String version = swaggerUiVersion();

    @Override
    public void addTo(JavalinConfig javalin) {
        javalin.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        javalin.routes.get("/docs", ctx -> ctx.html(PAGE));
        javalin.routes.get("/docs/assets/docs.js", ctx -> ctx.contentType("text/javascript").result(INIT));
        javalin.routes.get("/docs/assets/{file}", this::asset);
    }

    private void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file); // only the files the page uses: nothing else of the class path is reachable
        if (type == null) {
            ctx.status(404).json(Map.of("error", "not_found", "message", "No asset " + file));
            return;
        }
        ctx.header("Cache-Control", "public, max-age=86400")
                .contentType(type)
                .result(read(WEBJAR + version + "/" + file));
    }

    private static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] read(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("Missing resource " + name + " on the class path");
        }
        return in;
    }
}
