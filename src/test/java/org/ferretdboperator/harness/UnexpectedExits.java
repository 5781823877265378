package org.ferretdboperator.harness;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Exits of an agent the harness did not cause (an agent must never crash): members report them as they happen, and
 * the experiment turns each into a failed check of the run it happened in.
 */
public final class UnexpectedExits implements Consumer<String> {

    private final List<String> exits = new CopyOnWriteArrayList<>();

    @Override
    public void accept(String what) {
        exits.add(what);
    }

    /** The exits since the last call. */
    public List<String> drain() {
        List<String> out = List.copyOf(exits);
        exits.removeAll(out);
        return out;
    }
}
