package org.ferretdboperator.harness;

import java.util.List;

/** A settled cluster: one primary, every other member streaming from it, as {@link Settling} judged it. */
public record Settled(String primary, List<String> standbys, long atNanos) {
}
