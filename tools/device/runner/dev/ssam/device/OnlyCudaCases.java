package dev.ssam.device;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Locale;
import java.util.Set;

/**
 * Switches off the parametrised cases whose display name starts with another backend
 * ({@code ref}, {@code cpu}, {@code opencl}: the suites name their cases {@code "{0} {1}"} with
 * the backend first), so the device run spends its minutes on the CUDA cases; everything else runs.
 */
public final class OnlyCudaCases implements ExecutionCondition {
    private static final Set<String> OTHERS = Set.of("ref", "cpu", "opencl");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String name = context.getDisplayName().toLowerCase(Locale.ROOT).replaceFirst("^\\[\\d+] ", "").trim();
        int space = name.indexOf(' ');
        String first = space < 0 ? name : name.substring(0, space);
        if (context.getUniqueId().contains("invocation:") && OTHERS.contains(first)) {
            return ConditionEvaluationResult.disabled("device check: " + first + " cases run in CI");
        }
        return ConditionEvaluationResult.enabled("");
    }
}
