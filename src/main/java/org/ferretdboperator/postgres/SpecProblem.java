package org.ferretdboperator.postgres;

/** Something wrong with a Postgres object that only the reconciler can see, naming the field at fault. */
public record SpecProblem(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
