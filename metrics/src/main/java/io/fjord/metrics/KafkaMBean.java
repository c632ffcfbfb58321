package io.fjord.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ReflectionException;

/**
 * One read-only MBean with the attributes Kafka's Yammer JmxReporter shows for a Meter, a Histogram (Kafka's
 * request timers are Histograms) or a Gauge. Values are read from the metric on every attribute access.
 *
 * <p>Immutable after construction and thread-safe.
 */
final class KafkaMBean implements DynamicMBean {

    private record Attr(String type, Supplier<Object> value) {
    }

    private final Map<String, Attr> attributes;
    private final MBeanInfo info;

    private KafkaMBean(String description, Map<String, Attr> attributes) {
        this.attributes = attributes;
        MBeanAttributeInfo[] infos = attributes.entrySet().stream()
                .map(e -> new MBeanAttributeInfo(e.getKey(), e.getValue().type(), e.getKey(), true, false, false))
                .toArray(MBeanAttributeInfo[]::new);
        this.info = new MBeanInfo(KafkaMBean.class.getName(), description, infos, null,
                new MBeanOperationInfo[0], new MBeanNotificationInfo[0]);
    }

    static KafkaMBean meter(RateMeter meter) {
        Map<String, Attr> a = new LinkedHashMap<>();
        a.put("Count", new Attr("long", meter::count));
        a.put("EventType", new Attr("java.lang.String", meter::eventType));
        a.put("RateUnit", new Attr("java.lang.String", () -> "SECONDS"));
        a.put("MeanRate", new Attr("double", meter::meanRate));
        a.put("OneMinuteRate", new Attr("double", meter::oneMinuteRate));
        a.put("FiveMinuteRate", new Attr("double", meter::fiveMinuteRate));
        a.put("FifteenMinuteRate", new Attr("double", meter::fifteenMinuteRate));
        return new KafkaMBean("Meter", a);
    }

    static KafkaMBean histogram(HistogramTimer timer) {
        Map<String, Attr> a = new LinkedHashMap<>();
        a.put("Count", new Attr("long", timer::count));
        a.put("Min", new Attr("double", timer::min));
        a.put("Max", new Attr("double", timer::max));
        a.put("Mean", new Attr("double", timer::mean));
        a.put("StdDev", new Attr("double", timer::stdDev));
        String[] names = {"50thPercentile", "75thPercentile", "95thPercentile", "98thPercentile",
                "99thPercentile", "999thPercentile"};
        for (int i = 0; i < names.length; i++) {
            int index = i;
            a.put(names[i], new Attr("double", () -> timer.percentiles()[index]));
        }
        return new KafkaMBean("Histogram (milliseconds)", a);
    }

    static KafkaMBean gauge(GaugeHolder gauge) {
        Map<String, Attr> a = new LinkedHashMap<>();
        a.put("Value", new Attr("java.lang.Object", gauge::value));
        return new KafkaMBean("Gauge", a);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Attr a = attributes.get(attribute);
        if (a == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return a.value().get();
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String name : names) {
            Attr a = attributes.get(name);
            if (a != null) {
                list.add(new Attribute(name, a.value().get()));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName));
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
