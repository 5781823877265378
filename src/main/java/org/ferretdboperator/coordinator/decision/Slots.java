package org.ferretdboperator.coordinator.decision;

import java.util.Locale;

/** Physical replication slot names: one per member, named after it (slot names allow only [a-z0-9_]). */
public final class Slots {

    private Slots() {
    }

    public static String nameFor(String member) {
        return member.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** Whether a slot looks like one this coordinator made for a member of the same StatefulSet ({@code <sts>_<n>}). */
    public static boolean isMemberSlot(String slot, String anyMember) {
        String prefix = nameFor(anyMember).replaceAll("_[0-9]+$", "");
        return slot.matches(java.util.regex.Pattern.quote(prefix) + "_[0-9]+");
    }
}
