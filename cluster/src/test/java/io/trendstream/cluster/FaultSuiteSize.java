package io.trendstream.cluster;

import java.time.Duration;
import java.util.Map;

/**
 * How hard the fault suite pushes: {@code ci} fits the build (a few minutes for every scenario), {@code full} is the
 * opt-in run of issue 10 (more load, three TaskManager kills, a database outage longer than the old restart budget of
 * 10 restarts in about 5 minutes, with the shipped restart delays).
 *
 * @param loadRate events per second of wall-clock time the generator streams while a fault is injected
 * @param load how long (in event time, which then follows the wall clock) each scenario's load runs
 * @param taskManagerKills how often the TaskManager is SIGKILLed (and a new one started) in one scenario
 * @param databaseOutage how long PostgreSQL stays down
 * @param hostileShare share of hostile records in the flood's load
 * @param restartSettings the job's restart settings (TRENDSTREAM_RESTART_*), on top of the suite's short windows
 */
record FaultSuiteSize(String name, int loadRate, Duration load, int taskManagerKills, Duration databaseOutage,
        double hostileShare, Map<String, String> restartSettings) {

    static final String PROPERTY = "faults.size";

    static FaultSuiteSize of(String name) {
        return switch (name) {
            // Down 10 s and then until `up` has restarted it: several restarts at the short delays (1 s doubling to 5 s).
            case "ci" -> new FaultSuiteSize("ci", 200, Duration.ofSeconds(20), 1, Duration.ofSeconds(10), 0.03,
                    Map.of("TRENDSTREAM_RESTART_INITIAL_DELAY", "1 s", "TRENDSTREAM_RESTART_MAX_DELAY", "5 s"));
            // The shipped delays (1 s doubling to 1 min): 330 s down is more than the 10 restarts the job once gave up after.
            case "full" -> new FaultSuiteSize("full", 1000, Duration.ofSeconds(60), 3, Duration.ofSeconds(330), 0.05,
                    Map.of());
            default -> throw new IllegalArgumentException(
                    "-D" + PROPERTY + "=" + name + ": the fault suite's sizes are ci and full");
        };
    }

    /** Events of one scenario's load: at least as long as the fault it carries, so the fault hits a streaming job. */
    int loadEvents(FaultScenario scenario) {
        Duration span = scenario == FaultScenario.DATABASE_OUTAGE && databaseOutage.compareTo(load) > 0
                ? databaseOutage.plus(load) : load;
        return (int) (span.toSeconds() * loadRate);
    }
}
