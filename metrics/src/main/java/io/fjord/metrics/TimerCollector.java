package io.fjord.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exports every {@link HistogramTimer} of one {@link BrokerMetrics} to its Prometheus registry, next to
 * Micrometer's meters: per family name (all label sets of that name) a summary {@code <family>} with the
 * quantiles of {@link HistogramTimer#QUANTILES}, {@code _count} and {@code _sum} in milliseconds, and a gauge
 * {@code <family>_max} (the window's maximum), both with the metric's help text, as Micrometer's percentile
 * summary exposed them.
 *
 * <p>Invariants: a series is exported from {@link #add} until {@link #remove}; each scrape reads every timer
 * once. Two names with the same family and labels (tags in another order) export the first one seen only.
 *
 * <p>Thread-safety: add/remove/collect may run concurrently from any thread.
 */
final class TimerCollector implements MultiCollector {

    private record Series(String family, String help, Labels labels, HistogramTimer timer) {
    }

    private final Map<KafkaMetricName, Series> series = new ConcurrentHashMap<>();

    void add(KafkaMetricName name, String family, String help, Labels labels, HistogramTimer timer) {
        series.put(name, new Series(family, help, labels, timer));
    }

    void remove(KafkaMetricName name) {
        series.remove(name);
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, List<Series>> families = new TreeMap<>();
        for (Series s : series.values()) {
            families.computeIfAbsent(s.family(), f -> new ArrayList<>()).add(s);
        }
        List<MetricSnapshot> out = new ArrayList<>(2 * families.size());
        for (Map.Entry<String, List<Series>> family : families.entrySet()) {
            String help = family.getValue().get(0).help();
            List<SummaryDataPointSnapshot> summaries = new ArrayList<>();
            List<GaugeDataPointSnapshot> maxima = new ArrayList<>();
            Set<Labels> seen = new HashSet<>();
            for (Series s : family.getValue()) {
                if (!seen.add(s.labels())) {
                    continue;
                }
                HistogramTimer timer = s.timer();
                HistogramTimer.Window window = timer.window();
                List<Quantile> quantiles = new ArrayList<>(HistogramTimer.QUANTILES.length);
                for (int i = 0; i < HistogramTimer.QUANTILES.length; i++) {
                    quantiles.add(new Quantile(HistogramTimer.QUANTILES[i], window.percentiles()[i]));
                }
                summaries.add(new SummaryDataPointSnapshot(timer.count(), timer.sum(), Quantiles.of(quantiles),
                        s.labels(), Exemplars.EMPTY, 0L));
                maxima.add(new GaugeDataPointSnapshot(window.max(), s.labels(), (Exemplar) null));
            }
            out.add(new SummarySnapshot(new MetricMetadata(family.getKey(), help), summaries));
            out.add(new GaugeSnapshot(new MetricMetadata(family.getKey() + "_max", help), maxima));
        }
        return new MetricSnapshots(out);
    }
}
