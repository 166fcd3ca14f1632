package io.trendstream.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolvedSettingsTest {

    @Test
    void argumentsWinOverTheEnvironmentWhichWinsOverTheFlinkConfiguration() {
        Configuration flink = new Configuration();
        flink.setString("trendstream.kafka.topic.orders", "from-flink");
        flink.setString("trendstream.kafka.topic.views", "from-flink");
        flink.setString("trendstream.kafka.topic.alerts", "from-flink");
        ResolvedSettings settings = ResolvedSettings.resolve(
                List.of(PipelineOptions.ORDERS_TOPIC, PipelineOptions.VIEWS_TOPIC, PipelineOptions.ALERTS_TOPIC), List.of(),
                new String[] {"--kafka.topic.orders", "from-argument"},
                Map.of("TRENDSTREAM_KAFKA_TOPIC_ORDERS", "from-environment", "TRENDSTREAM_KAFKA_TOPIC_VIEWS", "from-environment"),
                flink);

        assertThat(settings.get(PipelineOptions.ORDERS_TOPIC)).isEqualTo("from-argument");
        assertThat(settings.get(PipelineOptions.VIEWS_TOPIC)).isEqualTo("from-environment");
        assertThat(settings.get(PipelineOptions.ALERTS_TOPIC)).isEqualTo("from-flink");
        assertThat(settings.describe("Topics")).contains("kafka.topic.alerts = from-flink  [Flink configuration trendstream.kafka.topic.alerts]");
    }

    @Test
    void aProgramWithoutAFlinkConfigurationIsNotToldToSetOne() {
        ResolvedSettings settings = ResolvedSettings.resolve(List.of(PipelineOptions.JDBC_URL), List.of(), new String[0], Map.of(), null);

        assertThatThrownBy(() -> settings.require(PipelineOptions.JDBC_URL))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Missing required setting 'jdbc.url': set --jdbc.url or the environment variable TRENDSTREAM_JDBC_URL. ");
    }

    @Test
    void aSettingTheProgramDidNotResolveIsAMistakeNotADefault() {
        ResolvedSettings settings = ResolvedSettings.resolve(List.of(PipelineOptions.JDBC_URL), List.of(), new String[0], Map.of(), null);

        assertThatThrownBy(() -> settings.get(PipelineOptions.WINDOW_SIZE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'window.size' is not one of this program's settings");
    }
}
