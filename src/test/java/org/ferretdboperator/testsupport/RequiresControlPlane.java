package org.ferretdboperator.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that needs the local control plane. Evaluated before any other extension (so before a
 * {@code @QuarkusTest} starts the operator): without the tools the class is skipped with the reason printed, or, in CI
 * (CI=true), fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresControlPlane.Check.class)
public @interface RequiresControlPlane {

    class Check implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> missing = LocalControlPlane.missingPrerequisite(LocalControlPlane.locateProjectDir());
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("control-plane tools present");
            }
            if (Prerequisite.inCi()) {
                throw new AssertionError("CI=true and the real control plane cannot start: " + missing.get());
            }
            System.err.println("[prerequisite] SKIPPED " + context.getDisplayName() + ": " + missing.get());
            return ConditionEvaluationResult.disabled(missing.get());
        }
    }
}
