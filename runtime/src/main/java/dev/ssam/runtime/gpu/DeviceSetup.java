package dev.ssam.runtime.gpu;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A process-wide device object made on first use and kept (the CUDA context of device 0, the
 * OpenCL context of the preferred device). A failed first attempt is kept instead: every later
 * call throws again without retrying, so a missing library or device costs one attempt and every
 * caller learns what failed. The later exceptions come from {@code again}, which makes one of the
 * same kind with the same message and the first failure as its cause. Only runtime exceptions are
 * kept; an {@link Error} (out of memory) propagates and the next call tries again. {@link #undo}
 * is for the setup code: it releases what a failed attempt had acquired without hiding why it
 * failed.
 *
 * <pre>{@code
 * private static final DeviceSetup<CuContext> PRIMARY = new DeviceSetup<>(CuContext::open, CuContext::again);
 *
 * public static CuContext primary() {
 *     return PRIMARY.get();
 * }
 * }</pre>
 *
 * @param <T> the device object
 */
public final class DeviceSetup<T> {
    private final Supplier<T> make;
    private final UnaryOperator<RuntimeException> again;
    private T value;
    private RuntimeException failure;

    /**
     * @param make  the setup: returns the device object or throws why there is none
     * @param again from the first failure, the exception a later call throws
     */
    public DeviceSetup(Supplier<T> make, UnaryOperator<RuntimeException> again) {
        this.make = make;
        this.again = again;
    }

    /** The device object, made on the first call; or the first call's failure, thrown again. */
    public synchronized T get() {
        if (value != null) {
            return value;
        }
        if (failure != null) {
            throw again.apply(failure);
        }
        try {
            value = make.get();
            return value;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Runs {@code release} for a setup that failed with {@code failure}; a failure of the release
     * itself is added to {@code failure} as suppressed, so the original reason is the one reported.
     */
    public static void undo(RuntimeException failure, Runnable release) {
        try {
            release.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
