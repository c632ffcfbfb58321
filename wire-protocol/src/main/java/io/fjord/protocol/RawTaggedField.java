package io.fjord.protocol;

import java.util.Arrays;
import java.util.List;

/** A tagged field our schema does not know, kept as its tag and raw bytes. Immutable by convention. */
public final class RawTaggedField {
    private final int tag;
    private final byte[] data;

    public RawTaggedField(int tag, byte[] data) {
        this.tag = tag;
        this.data = data;
    }

    public int tag() {
        return tag;
    }

    public byte[] data() {
        return data;
    }

    /** Equality of two unknown-field lists where null means empty. */
    public static boolean sameFields(List<RawTaggedField> a, List<RawTaggedField> b) {
        boolean aEmpty = a == null || a.isEmpty();
        boolean bEmpty = b == null || b.isEmpty();
        return aEmpty || bEmpty ? aEmpty == bEmpty : a.equals(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawTaggedField that && tag == that.tag && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RawTaggedField(tag=" + tag + ", " + data.length + " bytes)";
    }
}
