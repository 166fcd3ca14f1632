package io.trendstream.gateway;

import io.trendstream.gateway.ingest.IngestRoutes;
import io.trendstream.gateway.live.LiveRoutes;
import io.trendstream.gateway.query.QueryRoutes;
import io.trendstream.gateway.query.ReaderPool;
import io.trendstream.gateway.web.DashboardPage;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Entry point of the gateway service: resolves the settings, starts the server with every route group, runs until stopped. */
public final class GatewayMain {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    public static void main(String[] args) throws InterruptedException {
        GatewayConfig config = GatewayConfig.resolve(args, System.getenv());
        LOG.info("Starting the gateway with {}", config);
        GatewayMetrics metrics = new GatewayMetrics();
        ObjectMapper json = Json.mapper();
        Gateway gateway = Gateway.start(config, metrics, json, routeGroups(config, metrics, json));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
    }

    /** The groups of the running service, in the order they are added (and closed in reverse). */
    static List<RouteGroup> routeGroups(GatewayConfig config, GatewayMetrics metrics, ObjectMapper json) {
        List<RouteGroup> groups = new ArrayList<>();
        IngestRoutes ingest = new IngestRoutes(config, metrics);
        groups.add(ingest);
        groups.add(new HealthRoutes(config, ingest.registry(), ingest::kafkaProblem));
        groups.add(new DocsRoutes());
        ReaderPool readers = ReaderPool.create(config);
        groups.add(QueryRoutes.create(config, readers)); // owns the pool: closed after the live stream
        groups.add(LiveRoutes.create(config, metrics, readers.dataSource()));
        groups.add(new DashboardPage());
        return groups;
    }

    private GatewayMain() {}
}
