package org.ferretdboperator.coordinator.decision;

import java.util.List;

/**
 * The outcome of one tick: actions in order, and a status line saying why.
 *
 * @param actions executed in order until the first failure
 * @param status  human-readable reason (logged on change, published in metrics)
 * @param blocked true when a failover is needed but refused for safety (e.g. no provable candidate)
 */
public record Decision(List<Action> actions, String status, boolean blocked) {

    public Decision {
        actions = List.copyOf(actions);
    }

    public static Decision of(String status, Action... actions) {
        return new Decision(List.of(actions), status, false);
    }

    public static Decision waiting(String reason) {
        return new Decision(List.of(new Action.Wait(reason)), reason, false);
    }

    public static Decision blocked(String reason) {
        return new Decision(List.of(new Action.Wait(reason)), reason, true);
    }

    public boolean contains(Class<? extends Action> type) {
        return actions.stream().anyMatch(type::isInstance);
    }

    public <T extends Action> T first(Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + actions));
    }

    public List<String> kinds() {
        return actions.stream().map(Action::kind).toList();
    }
}
