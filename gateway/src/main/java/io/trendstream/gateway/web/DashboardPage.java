package io.trendstream.gateway.web;

import io.javalin.config.JavalinConfig;
import io.trendstream.gateway.RouteGroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live page at {@value #PATH}: plain HTML, CSS and JavaScript from this jar (no CDN, no build step). It shows the
 * newest alerts and the top products of the latest window, loads them once over the query API and then follows the
 * live stream ({@code /api/v1/live}).
 */
public final class DashboardPage implements RouteGroup {

    public static final String PATH = "/dashboard";
    private static final String RESOURCES = "/web/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> contents;

    public DashboardPage() {
        this.contents = Map.of(
                "index.html", read("index.html"), "app.js", read("app.js"), "app.css", read("app.css"));
    }

    @Override
    public void addTo(JavalinConfig config) {
        config.routes.get(PATH, ctx -> ctx.contentType(FILES.get("index.html")).result(contents.get("index.html")));
        config.routes.get(PATH + "/{file}", ctx -> {
            String file = ctx.pathParam("file");
            if (!contents.containsKey(file)) {
                ctx.status(404).json(Map.of("error", "not_found", "message", "No file " + file));
                return;
            }
            ctx.contentType(FILES.get(file)).result(contents.get(file));
        });
    }

    private static byte[] read(String file) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCES + file + " in the gateway's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
