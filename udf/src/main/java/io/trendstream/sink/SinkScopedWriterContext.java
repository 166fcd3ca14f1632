package io.trendstream.sink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The writer's context with a job id of the sink's own. The JDBC connector names XA transactions
 * after job id, subtask and checkpoint only, so two exactly-once JDBC sinks in one job prepare
 * transactions with the same global id and PostgreSQL refuses the second ("transaction identifier
 * is already in use"). Mixing the sink's name into the job id it sees gives each sink its own ids,
 * stable across restarts of the same job.
 */
final class SinkScopedWriterContext implements WriterInitContext {
    private final WriterInitContext context;
    private final JobInfo jobInfo;

    SinkScopedWriterContext(WriterInitContext context, String sinkName) {
        this.context = context;
        JobInfo original = context.getJobInfo();
        JobID scoped = scopedJobId(original.getJobId(), sinkName);
        this.jobInfo = new JobInfo() {
            @Override
            public JobID getJobId() {
                return scoped;
            }

            @Override
            public String getJobName() {
                return original.getJobName();
            }
        };
    }

    static JobID scopedJobId(JobID jobId, String sinkName) {
        CRC32 crc = new CRC32();
        crc.update(sinkName.getBytes(StandardCharsets.UTF_8));
        return new JobID(jobId.getLowerPart() ^ crc.getValue(), jobId.getUpperPart());
    }

    @Override
    public JobInfo getJobInfo() {
        return jobInfo;
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        return context.getUserCodeClassLoader();
    }

    @Override
    public MailboxExecutor getMailboxExecutor() {
        return context.getMailboxExecutor();
    }

    @Override
    public ProcessingTimeService getProcessingTimeService() {
        return context.getProcessingTimeService();
    }

    @Override
    public SinkWriterMetricGroup metricGroup() {
        return context.metricGroup();
    }

    @Override
    public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
        return context.asSerializationSchemaInitializationContext();
    }

    @Override
    public boolean isObjectReuseEnabled() {
        return context.isObjectReuseEnabled();
    }

    @Override
    public <IN> TypeSerializer<IN> createInputSerializer() {
        return context.createInputSerializer();
    }

    @Override
    public <MetaT> Optional<Consumer<MetaT>> metadataConsumer() {
        return context.metadataConsumer();
    }

    @Override
    public OptionalLong getRestoredCheckpointId() {
        return context.getRestoredCheckpointId();
    }

    @Override
    public TaskInfo getTaskInfo() {
        return context.getTaskInfo();
    }
}
