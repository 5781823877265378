package org.ferretdboperator.api.ops;

/** KubeDB's RestartSpec: empty, the type alone says what to do. */
public class RestartSpec {
}
