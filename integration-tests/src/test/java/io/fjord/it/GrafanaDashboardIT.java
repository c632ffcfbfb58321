package io.fjord.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/grafana/fjord-dashboard.json is a Grafana dashboard whose every query (panel targets and template
 * variables) names only metrics a bin/broker exports: the names are taken from each PromQL expression
 * ({@link PromQlMetricNames}) and looked up in the live /metrics output of a broker that ran a small workload
 * with a consumer group, so the lag series exist too. A real Prometheus scraping that broker evaluates every
 * panel query (Grafana's variables resolved as "All"), so each is valid PromQL.
 */
class GrafanaDashboardIT {
    private static final Path DASHBOARD = BrokerProcess.HOME.resolve("deploy/grafana/fjord-dashboard.json");
    private static final String DATASOURCE = "${DS_PROMETHEUS}";
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_]\\w*\\s*\\)\\s*$");
    /** What the dashboard must show (issue 6): throughput, latency, replication, consumer lag, disk. */
    private static final List<String> REQUIRED_METRICS = List.of(
            "kafka_server_brokertopicmetrics_messagesin_total", "kafka_server_brokertopicmetrics_bytesin_total",
            "kafka_server_brokertopicmetrics_bytesout_total", "kafka_network_requestmetrics_totaltimems",
            "kafka_server_replicamanager_underreplicatedpartitions", "kafka_server_replicamanager_isrshrinks_total",
            "kafka_server_replicamanager_isrexpands_total", "kafka_consumergroup_lag", "kafka_log_log_size");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One query of the dashboard: where it is, its PromQL (Grafana variables unresolved), the metric names in it. */
    private record Query(String where, String expr, Set<String> names) {
        /** The PromQL with Grafana's variables resolved as for "All" and a one-minute rate interval. */
        String resolved() {
            return expr.replace("$__rate_interval", "1m").replaceAll("\\$\\{?\\w+}?", ".*");
        }
    }

    @Test
    @Timeout(120)
    void everyDashboardQueryNamesAMetricTheBrokerExportsAndPrometheusEvaluatesIt() throws Exception {
        PrometheusServer.requireInstalled();
        List<Query> queries = dashboardQueries(JSON.readTree(DASHBOARD.toFile()));
        Set<String> used = new TreeSet<>();
        queries.forEach(q -> used.addAll(q.names()));
        for (String required : REQUIRED_METRICS) {
            assertTrue(used.contains(required), "the dashboard has no panel on " + required + "; it uses " + used);
        }

        MetricsWorkload workload = new MetricsWorkload("dash-topic", 2, 20, 50, "dash-group", 5);
        try (BrokerProcess broker = BrokerProcess.started(dir.resolve("broker"), "offsets.topic.num.partitions=3");
             PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"),
                     "127.0.0.1:" + broker.httpPort());
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            workload.run(broker.bootstrapServers(), admin);

            long deadline = System.currentTimeMillis() + 20_000;
            Set<String> exported = exportedNames(broker.httpPort());
            while (!exported.containsAll(used) && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                exported = exportedNames(broker.httpPort());
            }
            Map<String, Set<String>> missing = new LinkedHashMap<>();
            for (Query query : queries) {
                Set<String> absent = new TreeSet<>(query.names());
                absent.removeAll(exported);
                if (!absent.isEmpty()) {
                    missing.put(query.where() + ": " + query.expr(), absent);
                }
            }
            assertTrue(missing.isEmpty(), "dashboard queries name metrics the broker does not export "
                    + "(query -> missing names): " + missing + "\nexported: " + new TreeSet<>(exported));

            List<Query> panelQueries = queries.stream().filter(q -> !q.where().startsWith("variable ")).toList();
            Map<String, String> empty = emptyResults(prometheus, panelQueries);
            long evaluationDeadline = System.currentTimeMillis() + 20_000;
            while (!empty.isEmpty() && System.currentTimeMillis() < evaluationDeadline) {
                Thread.sleep(1_000);
                empty = emptyResults(prometheus, panelQueries);
            }
            assertTrue(empty.isEmpty(), "panel queries Prometheus answers with no series after the workload "
                    + "(query -> as evaluated): " + empty + "\n" + prometheus.log());
        }
    }

    /**
     * Every query of the dashboard (template variables first, then panel targets), after checking the Grafana structure: a titled
     * dashboard with a schemaVersion, the datasource variable, unique panel ids, each panel with a type, title and
     * grid position, each non-row panel with targets on the Prometheus datasource variable.
     */
    private static List<Query> dashboardQueries(JsonNode dashboard) {
        assertTrue(dashboard.path("schemaVersion").isInt(), "schemaVersion");
        assertFalse(dashboard.path("title").asText().isBlank(), "title");
        assertFalse(dashboard.path("uid").asText().isBlank(), "uid");

        List<Query> queries = new ArrayList<>();
        boolean datasourceVariable = false;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String name = variable.path("name").asText();
            if ("datasource".equals(variable.path("type").asText())) {
                datasourceVariable |= ("${" + name + "}").equals(DATASOURCE)
                        && "prometheus".equals(variable.path("query").asText());
            } else if ("query".equals(variable.path("type").asText())) {
                assertDatasource(variable.path("datasource"), "variable " + name);
                String query = variable.path("query").isObject()
                        ? variable.path("query").path("query").asText() : variable.path("query").asText();
                Matcher labelValues = LABEL_VALUES.matcher(query);
                assertTrue(labelValues.matches(), "variable " + name + " is not label_values(metric, label): " + query);
                queries.add(new Query("variable " + name, query, nonEmpty(query, labelValues.group(1))));
            }
        }
        assertTrue(datasourceVariable, "no datasource variable " + DATASOURCE + " of type prometheus");

        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        assertFalse(panels.isEmpty(), "no panels");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertFalse(title.isBlank(), "a panel without a title: " + panel);
            assertTrue(ids.add(panel.path("id").asInt(-1)) && panel.path("id").isInt(), "panel id of " + title);
            assertFalse(panel.path("type").asText().isBlank(), "type of " + title);
            for (String field : List.of("x", "y", "w", "h")) {
                assertTrue(panel.path("gridPos").path(field).isInt(), "gridPos." + field + " of " + title);
            }
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertDatasource(panel.path("datasource"), title);
            assertFalse(panel.path("targets").isEmpty(), "panel " + title + " has no targets");
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertTrue(refIds.add(target.path("refId").asText()), "refIds of " + title);
                assertDatasource(target.path("datasource"), title + " " + target.path("refId").asText());
                String expr = target.path("expr").asText();
                queries.add(new Query("panel " + title, expr, nonEmpty(title, expr)));
            }
        }
        return queries;
    }

    /**
     * The queries that evaluate to no series (each must evaluate without error). Only the error-rate panel may be
     * empty: a workload without failures has no error code other than NONE.
     */
    private static Map<String, String> emptyResults(PrometheusServer prometheus, List<Query> queries) {
        Map<String, String> empty = new LinkedHashMap<>();
        for (Query query : queries) {
            if (prometheus.query(query.resolved()).isEmpty() && !query.expr().contains("error!=\"NONE\"")) {
                empty.put(query.where() + ": " + query.expr(), query.resolved());
            }
        }
        return empty;
    }

    private static Set<String> nonEmpty(String where, String expr) {
        Set<String> names = PromQlMetricNames.of(expr);
        assertFalse(names.isEmpty(), where + ": no metric in " + expr);
        return names;
    }

    private static void assertDatasource(JsonNode datasource, String where) {
        assertEquals("prometheus", datasource.path("type").asText(), "datasource type of " + where);
        assertEquals(DATASOURCE, datasource.path("uid").asText(), "datasource uid of " + where);
    }

    /** The metric names of every sample line of the broker's /metrics (Prometheus text format 0.0.4). */
    private static Set<String> exportedNames(int httpPort) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "GET /metrics: " + response.body());
        Set<String> names = new LinkedHashSet<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    @Test
    @Timeout(10)
    void theMetricNameExtractorSkipsFunctionsLabelsKeywordsStringsRangesAndVariables() {
        assertEquals(Set.of("a_total"), PromQlMetricNames.of(
                "sum by (topic, instance) (rate(a_total{topic=~\"$topic\",x!=\"y}\"}[$__rate_interval]))"));
        assertEquals(Set.of("a", "b_count"), PromQlMetricNames.of(
                "max without(le) (a{quantile=\"0.99\"}) / on (request) group_left(error) b_count offset 5m > 1e3"));
        assertEquals(Set.of("x_sum", "y"), PromQlMetricNames.of(
                "topk(20, x_sum) and ignoring(q) y or vector(0.5) unless bool inf"));
        assertEquals(Set.of("m"), PromQlMetricNames.of(
                "label_replace(m, \"dst\", \"$1\", \"src\", \"(.*)\") * ${factor} + [[old]]"));
        assertEquals(Set.of(), PromQlMetricNames.of("time() - 3"));
    }
}
