package io.fjord.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's metrics: one Micrometer {@link PrometheusMeterRegistry} for meters, gauges and the JVM binders plus
 * our own timers, the Prometheus text of both from the registry's {@link #scrape()}, and our own JMX exporter over
 * the same metrics: one MBean per
 * {@link KafkaMetricName}, registered under Kafka's ObjectName in the platform MBeanServer with Kafka's
 * attributes.
 *
 * <p>Each name is one of: a meter (Micrometer FunctionCounter over a LongAdder; Prometheus counter
 * {@code <name>_total}), a timer (our lock-free {@link LatencyHistogram}, or one phase of a {@link PerThreadCells}
 * for timers recorded together, see {@link #perThreadCells}; not a Micrometer meter: Micrometer's percentile
 * summary cost 150 ns to over 1 us per record; exported in ms by a {@link TimerCollector} registered
 * in the same Prometheus registry as a summary with quantiles 0.5, 0.75, 0.95, 0.98, 0.99, 0.999, {@code _count},
 * {@code _sum}, and a gauge {@code _max}) or a gauge.
 *
 * <p>Invariants: registration is idempotent (the same name returns the same instance until it is removed);
 * a name keeps its kind (asking for a timer under a meter's name throws IllegalArgumentException); a gauge
 * registered again keeps its series and takes the new supplier. When an MBean of the same ObjectName already
 * exists in the platform server (another broker in the same JVM), the first one stays and this instance only
 * exports to Prometheus; close() unregisters only the MBeans this instance registered.
 * When disabled (metrics.enabled=false) every meter is a shared no-op, nothing is registered, and scrape()
 * returns "". After close() registrations return no-ops.
 *
 * <p>Thread-safety: all methods are safe from any thread; registration is meant for setup (meters are looked up
 * once and held), mark/record on the returned instances are the hot path.
 */
public final class BrokerMetrics implements AutoCloseable {

    /** The Content-Type of {@link #scrape()}'s text (Prometheus text format 0.0.4). */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger log = LoggerFactory.getLogger(BrokerMetrics.class);
    private static final BrokerMetrics NOOP = new BrokerMetrics(false, false, Clock.SYSTEM);

    static final KafkaMeter NOOP_METER = new KafkaMeter() {
        @Override
        public void mark() {
        }

        @Override
        public void mark(long n) {
        }

        @Override
        public long count() {
            return 0;
        }
    };

    static final KafkaTimer NOOP_TIMER = new KafkaTimer() {
        @Override
        public void record(long millis) {
        }

        @Override
        public void recordNanos(long nanos) {
        }

        @Override
        public long count() {
            return 0;
        }
    };

    /** A registered metric, what removes it from the Prometheus output, and the MBean this instance owns. */
    private record Registered(Object metric, Runnable unexport, ObjectName ownMBean) {
    }

    private final boolean enabled;
    private final Clock clock;
    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final TimerCollector timers;
    private final MBeanServer mbeanServer;
    private final ConcurrentHashMap<KafkaMetricName, Registered> metrics = new ConcurrentHashMap<>();
    /** Timers and counters recorded together, by the timers' names in phase order; guarded by this. */
    private final Map<List<KafkaMetricName>, PerThreadCells> cellsByTimers = new HashMap<>();
    private final List<AutoCloseable> binders = new ArrayList<>();
    private volatile boolean closed;
    private volatile boolean recording = true;

    private BrokerMetrics(boolean enabled, boolean jmx, Clock clock) {
        this.enabled = enabled;
        this.clock = clock;
        if (enabled) {
            PrometheusRegistry prometheusRegistry = new PrometheusRegistry();
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheusRegistry, clock);
            registry = prometheus;
            timers = new TimerCollector();
            prometheusRegistry.register(timers);
            mbeanServer = jmx ? ManagementFactory.getPlatformMBeanServer() : null;
        } else {
            prometheus = null;
            timers = null;
            registry = new CompositeMeterRegistry(clock);
            mbeanServer = null;
        }
    }

    /** {@code enabled=false}: every meter is a no-op and scrape() is empty; {@code jmx}: export MBeans too. */
    public static BrokerMetrics create(boolean enabled, boolean jmx) {
        return create(enabled, jmx, Clock.SYSTEM);
    }

    /** As {@link #create(boolean, boolean)} with the clock that drives rates and windows (tests). */
    public static BrokerMetrics create(boolean enabled, boolean jmx, Clock clock) {
        if (!enabled) {
            return new BrokerMetrics(false, false, clock);
        }
        BrokerMetrics metrics = new BrokerMetrics(true, jmx, clock);
        metrics.bindJvmAndProcess();
        return metrics;
    }

    public static BrokerMetrics noop() {
        return NOOP;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether the per-request meters record: {@link RequestMetrics} as the broker records them and every
     * {@link BrokerTopicMetrics} mark. True when enabled, but between {@link #pauseRecording} and {@link #resumeRecording}. A pause keeps every
     * series registered and exported, frozen; it exists so that a benchmark can compare recording on and off
     * within one broker instance (two instances of the same broker differ by up to 10% in throughput on our
     * machines, more than the cost measured). One volatile read per recording site.
     */
    public boolean recording() {
        return recording && enabled;
    }

    /** Stops the recording described at {@link #recording()}. */
    public void pauseRecording() {
        recording = false;
    }

    public void resumeRecording() {
        recording = true;
    }

    private void bindJvmAndProcess() {
        JvmGcMetrics gc = new JvmGcMetrics();
        binders.add(gc);
        for (MeterBinder binder : new MeterBinder[] {new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics()}) {
            binder.bindTo(prometheus);
        }
    }

    /** The meter of {@code name} (JMX EventType {@code eventType}, e.g. "requests", "bytes", "messages"). */
    public KafkaMeter meter(KafkaMetricName name, String eventType) {
        return meter(name, () -> new RateMeter(clock, eventType));
    }

    /**
     * The meter of {@code name} counting into {@code count} (a {@link PerThreadCells} counter), registered on
     * first use; later calls with an equal count return it.
     *
     * @throws IllegalArgumentException if {@code name} is registered with another count (its counts would be lost)
     */
    KafkaMeter meter(KafkaMetricName name, String eventType, RateMeter.Count count) {
        KafkaMeter meter = meter(name, () -> new RateMeter(clock, eventType, count));
        if (meter instanceof RateMeter registered && !registered.countSource().equals(count)) {
            throw new IllegalArgumentException(name + " is registered with a count of its own");
        }
        return meter;
    }

    private KafkaMeter meter(KafkaMetricName name, Supplier<RateMeter> newMeter) {
        if (!enabled || closed) {
            return NOOP_METER;
        }
        Registered r = metrics.get(name);
        if (r == null) {
            r = metrics.computeIfAbsent(name, n -> registerMeter(n, newMeter.get()));
        }
        if (r.metric() instanceof RateMeter meter) {
            return meter;
        }
        throw kindMismatch(name, "meter", r);
    }

    public KafkaTimer timer(KafkaMetricName name) {
        if (!enabled || closed) {
            return NOOP_TIMER;
        }
        Registered r = metrics.get(name);
        if (r == null) {
            r = metrics.computeIfAbsent(name, n -> registerTimer(n, new HistogramTimer(clock)));
        }
        if (r.metric() instanceof HistogramTimer timer) {
            return timer;
        }
        throw kindMismatch(name, "timer", r);
    }

    /**
     * The timers {@code timers} (phase i under {@code timers.get(i)}) and {@code counters} counters of one hot path
     * that records them together (a request's five phases, its version and its error codes): it takes its
     * thread's {@link PerThreadCells.Cell} once and records everything into it. The counters are exported by
     * meters registered with {@link #meter(KafkaMetricName, String, RateMeter.Count)}. The same timer names give
     * the same instance; null when disabled.
     *
     * @throws IllegalArgumentException if a timer name is already registered otherwise, or the same names were
     *     asked for with another number of counters
     */
    synchronized PerThreadCells perThreadCells(List<KafkaMetricName> timers, int counters) {
        if (!enabled || closed) {
            return null;
        }
        PerThreadCells cells = cellsByTimers.get(timers);
        if (cells != null) {
            if (cells.counters() != counters) {
                throw new IllegalArgumentException(timers + " have " + cells.counters() + " counters, not " + counters);
            }
            return cells;
        }
        for (KafkaMetricName name : timers) {
            Registered r = metrics.get(name);
            if (r != null) {
                throw new IllegalArgumentException(name + " is registered as a " + kind(r)
                        + ", not one of the timers " + timers);
            }
        }
        PerThreadCells created = new PerThreadCells(timers.size(), counters, clock);
        for (int i = 0; i < timers.size(); i++) {
            HistogramTimer timer = new HistogramTimer(created.phase(i));
            metrics.computeIfAbsent(timers.get(i), n -> registerTimer(n, timer));
        }
        cellsByTimers.put(List.copyOf(timers), created);
        return created;
    }

    /** A gauge read on every scrape/JMX read (JMX attribute "Value"); registering again replaces the supplier. */
    public void gauge(KafkaMetricName name, DoubleSupplier value) {
        if (!enabled || closed) {
            return;
        }
        boolean[] created = {false};
        Registered r = metrics.computeIfAbsent(name, n -> {
            created[0] = true;
            return registerGauge(n, value);
        });
        if (!(r.metric() instanceof GaugeHolder holder)) {
            throw kindMismatch(name, "gauge", r);
        }
        if (!created[0]) {
            holder.replace(value);
        }
    }

    /** Unregisters {@code name} from Prometheus and JMX (e.g. a deleted topic's or partition's series). */
    public void remove(KafkaMetricName name) {
        synchronized (this) {
            cellsByTimers.keySet().removeIf(names -> names.contains(name));
        }
        Registered r = metrics.remove(name);
        if (r != null) {
            unregister(r);
        }
    }

    public void removeMatching(Predicate<KafkaMetricName> p) {
        for (KafkaMetricName name : metrics.keySet()) {
            if (p.test(name)) {
                remove(name);
            }
        }
    }

    /** Prometheus text format 0.0.4; "" when disabled. */
    public String scrape() {
        return prometheus == null || closed ? "" : prometheus.scrape();
    }

    /** The Micrometer registry (JVM/process binders are bound by create()); a no-op composite when disabled. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Unregisters every MBean this instance registered, closes the binders and the registry. Idempotent. */
    @Override
    public void close() {
        if (this == NOOP) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (KafkaMetricName name : metrics.keySet()) {
            remove(name);
        }
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                log.warn("Closing metrics binder {} failed", binder, e);
            }
        }
        registry.close();
    }

    private Registered registerMeter(KafkaMetricName name, RateMeter meter) {
        Meter micrometer = FunctionCounter.builder(name.micrometerName(), meter, RateMeter::countAsDouble)
                .tags(tags(name))
                .description(help(name))
                .register(prometheus);
        return new Registered(meter, () -> registry.remove(micrometer), registerMBean(name, KafkaMBean.meter(meter)));
    }

    private Registered registerTimer(KafkaMetricName name, HistogramTimer timer) {
        NamingConvention convention = prometheus.config().namingConvention();
        String[] labelNames = new String[name.tags().size()];
        String[] labelValues = new String[labelNames.length];
        for (int i = 0; i < labelNames.length; i++) {
            Map.Entry<String, String> tag = name.tags().get(i);
            labelNames[i] = convention.tagKey(name.prometheusLabel(tag.getKey()));
            labelValues[i] = convention.tagValue(tag.getValue());
        }
        String family = convention.name(name.micrometerName(), Meter.Type.DISTRIBUTION_SUMMARY);
        timers.add(name, family, help(name), Labels.of(labelNames, labelValues), timer);
        return new Registered(timer, () -> timers.remove(name), registerMBean(name, KafkaMBean.histogram(timer)));
    }

    private Registered registerGauge(KafkaMetricName name, DoubleSupplier value) {
        GaugeHolder holder = new GaugeHolder(value);
        Meter micrometer = Gauge.builder(name.micrometerName(), holder, GaugeHolder::value)
                .tags(tags(name))
                .description(help(name))
                .strongReference(true)
                .register(prometheus);
        return new Registered(holder, () -> registry.remove(micrometer), registerMBean(name, KafkaMBean.gauge(holder)));
    }

    private ObjectName registerMBean(KafkaMetricName name, KafkaMBean bean) {
        if (mbeanServer == null) {
            return null;
        }
        ObjectName objectName = name.objectName();
        try {
            mbeanServer.registerMBean(bean, objectName);
            return objectName;
        } catch (InstanceAlreadyExistsException e) {
            log.debug("MBean {} is already registered (another broker in this JVM); exporting it to Prometheus only",
                    objectName);
            return null;
        } catch (JMException e) {
            log.warn("Registering MBean {} failed", objectName, e);
            return null;
        }
    }

    private void unregister(Registered r) {
        r.unexport().run();
        if (r.ownMBean() != null) {
            try {
                mbeanServer.unregisterMBean(r.ownMBean());
            } catch (InstanceNotFoundException e) {
                log.debug("MBean {} was already unregistered", r.ownMBean());
            } catch (JMException e) {
                log.warn("Unregistering MBean {} failed", r.ownMBean(), e);
            }
        }
    }

    private static List<Tag> tags(KafkaMetricName name) {
        List<Tag> tags = new ArrayList<>(name.tags().size());
        for (Map.Entry<String, String> tag : name.tags()) {
            tags.add(Tag.of(name.prometheusLabel(tag.getKey()), tag.getValue()));
        }
        return tags;
    }

    private static String help(KafkaMetricName name) {
        return name.domain() + ":type=" + name.type() + ",name=" + name.name();
    }

    private static IllegalArgumentException kindMismatch(KafkaMetricName name, String wanted, Registered r) {
        return new IllegalArgumentException(name + " is registered as a " + kind(r) + ", not a " + wanted);
    }

    private static String kind(Registered r) {
        return r.metric() instanceof RateMeter ? "meter" : r.metric() instanceof HistogramTimer ? "timer" : "gauge";
    }
}
