package dev.ssam.device;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Which tests the device check runs, so its minutes go to CUDA only. Two steps, one rule:
 * <ol>
 *   <li>after discovery ({@link PostDiscoveryFilter}, given to the launcher by {@link DeviceTests}):
 *       every test of {@code dev.ssam.runtime.cuda}, and of the op suites only the methods
 *       parametrised by backend (first parameter {@code dev.ssam.ops.BackendUnderTest}, the parity
 *       cases); the rest of the op suites (shape checks, Ref gradient checks, Cpu-only and audio
 *       tests) is dropped, and a class left without tests is never loaded or set up;</li>
 *   <li>at execution ({@link ExecutionCondition}, found by JUnit's extension autodetection): of
 *       those parametrised methods only the invocations for CUDA run. The suites name their cases
 *       {@code "{0}"} or {@code "{0} {1}"} with the backend first ({@code BackendUnderTest}'s
 *       {@code toString}: ref, cpu, opencl, cuda), so an invocation runs when its display name's
 *       first word is {@code cuda}; the others are reported as disabled.</li>
 * </ol>
 */
public final class OnlyCudaCases implements ExecutionCondition, PostDiscoveryFilter {
    static final String CUDA_RUNTIME_PACKAGE = "dev.ssam.runtime.cuda.";
    static final String BACKEND_PARAMETER = "dev.ssam.ops.BackendUnderTest";

    /** Public for JUnit's extension autodetection (META-INF/services). */
    public OnlyCudaCases() {
    }

    @Override
    public FilterResult apply(TestDescriptor d) {
        if (!(d.getSource().orElse(null) instanceof MethodSource m)) {
            return FilterResult.included("a container");
        }
        if (m.getClassName().startsWith(CUDA_RUNTIME_PACKAGE)) {
            return FilterResult.included("a CUDA runtime test");
        }
        if (firstParameterIsBackend(m.getMethodParameterTypes())) {
            return FilterResult.included("parametrised by backend");
        }
        return FilterResult.excluded("not a CUDA case");
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean invocation = context.getUniqueId().contains("invocation:");
        Method method = context.getTestMethod().orElse(null);
        if (!invocation || method == null || method.getParameterCount() == 0
                || !method.getParameterTypes()[0].getName().equals(BACKEND_PARAMETER)) {
            return ConditionEvaluationResult.enabled("");
        }
        String backend = firstWord(context.getDisplayName());
        return backend.equals("cuda")
                ? ConditionEvaluationResult.enabled("a CUDA case")
                : ConditionEvaluationResult.disabled("device check: " + backend + " cases run in CI");
    }

    /** Whether a comma-separated parameter type list starts with {@link #BACKEND_PARAMETER}. */
    static boolean firstParameterIsBackend(String parameterTypes) {
        int comma = parameterTypes.indexOf(',');
        String first = (comma < 0 ? parameterTypes : parameterTypes.substring(0, comma)).trim();
        return first.equals(BACKEND_PARAMETER);
    }

    /** The first word of a case's display name, lower case, without a leading {@code [n]} index. */
    static String firstWord(String displayName) {
        String name = displayName.toLowerCase(Locale.ROOT).replaceFirst("^\\[\\d+] ", "").trim();
        int space = name.indexOf(' ');
        return space < 0 ? name : name.substring(0, space);
    }
}
