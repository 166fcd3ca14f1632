package io.trendstream.cluster;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The scenarios of the fault suite, in the order it runs them ({@code -Dfaults.scenarios=name,...} picks some). */
enum FaultScenario {
    /** No fault: hostile records among the load; the job must not restart once. */
    FLOOD("flood"),
    /** SIGKILL the TaskManager under load, start a new one ({@link FaultSuiteSize#taskManagerKills} times). */
    TASKMANAGER_KILLS("taskmanager-kills"),
    /** SIGKILL PostgreSQL's server under load, keep it down, then `bin/pipeline up` restarts it. */
    DATABASE_OUTAGE("database-outage"),
    /** SIGKILL the Kafka broker under load, then `bin/pipeline up` restarts it. */
    BROKER_RESTART("broker-restart"),
    /** SIGKILL the JobManager under load; `bin/pipeline up` resumes the job from its latest retained checkpoint. */
    JOBMANAGER_LOSS("jobmanager-loss"),
    /** Stop with a savepoint under load and restore it with the other parallelism (1 and 2). */
    RESCALE("rescale");

    static final String PROPERTY = "faults.scenarios";

    final String id;

    FaultScenario(String id) {
        this.id = id;
    }

    /** The scenarios a comma-separated list names ({@code all}, or empty: every one), in suite order. */
    static Set<FaultScenario> select(String names) {
        if (names == null || names.isBlank() || names.equals("all")) {
            return EnumSet.allOf(FaultScenario.class);
        }
        Set<FaultScenario> selected = EnumSet.noneOf(FaultScenario.class);
        for (String name : names.split(",")) {
            selected.add(Arrays.stream(values()).filter(s -> s.id.equals(name.strip())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("-D" + PROPERTY + ": unknown scenario '" + name
                            + "'; the scenarios are " + Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", ")))));
        }
        return selected;
    }
}
