package io.fjord.metrics;

import java.util.function.DoubleSupplier;

/**
 * The value source of one gauge. The supplier may be replaced by a later registration of the same name (the
 * newest owner of the state wins); a supplier that throws reads as NaN.
 *
 * <p>Thread-safe: the supplier is a volatile reference.
 */
final class GaugeHolder {
    private volatile DoubleSupplier supplier;

    GaugeHolder(DoubleSupplier supplier) {
        this.supplier = supplier;
    }

    void replace(DoubleSupplier supplier) {
        this.supplier = supplier;
    }

    double value() {
        try {
            return supplier.getAsDouble();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
