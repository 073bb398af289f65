package dev.ssam.runtime;

import dev.ssam.runtime.gpu.DeviceMirrors;

import java.util.Arrays;

/**
 * A dense float32 tensor: an explicit shape over a contiguous, row-major (last index fastest)
 * window of a {@code float[]}.
 *
 * <p>The window starts at {@link #offset()} so a tensor can be a view inside a larger buffer (the
 * test harness surrounds outputs with guard regions this way). Kernels read {@link #data()} from
 * {@code offset} to {@code offset + size}. Heap arrays are what the Vector API kernels run
 * fastest on (PERF-NOTES lesson 8: off-heap segments cost 3-7% with bounds checks on), so storage
 * is a heap array; memory-mapped weights are widened into heap tensors once at load by
 * {@link dev.ssam.runtime.io.Safetensors} (whose mapping lives in its own {@link java.lang.foreign.Arena}).
 * {@link #asSegment()} exposes the window as a {@link java.lang.foreign.MemorySegment} for FFM
 * calls (a heap segment, passed to native code without a staging copy by critical downcalls).
 *
 * <p>A GPU op may leave the newest contents of the array in a device copy
 * ({@link dev.ssam.runtime.gpu.GpuSession#out}). Every host accessor here ({@link #data()},
 * {@link #get}, {@link #set}, {@link #copy}, {@link #toArray}, {@link #fill}, {@link #copyFrom},
 * {@link #asSegment}) first brings those contents back ({@link DeviceMirrors}); accessors that may
 * write also mark the host copy newer, so the next device use uploads it again
 * ({@link #prefetchToHost()} starts that download early). Keep no
 * {@code float[]} from {@link #data()} across GPU ops: call it again after them.
 *
 * <pre>{@code
 * Tensor x = Tensor.zeros(2, 251, 192);   // (B, L, D)
 * x.set(1f, 0, 0, 5);
 * Tensor flat = x.reshape(502, 192);     // a view on the same data
 * }</pre>
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        this.size = sizeOf(this.shape);
        if (offset < 0 || (long) offset + size > data.length) {
            throw new IllegalArgumentException("Tensor: window [" + offset + ", " + ((long) offset + size)
                    + ") of shape " + Arrays.toString(shape) + " does not fit a buffer of " + data.length + " floats");
        }
        this.data = data;
        this.offset = offset;
    }

    /** A zero-filled tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[sizeOf(shape)], 0, shape);
    }

    /** Wraps {@code data} (no copy); its length must equal the product of {@code shape}. */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != sizeOf(shape)) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
                    + Arrays.toString(shape) + " (" + sizeOf(shape) + " values)");
        }
        return new Tensor(data, 0, shape);
    }

    /** A view of {@code shape} starting at {@code offset} inside {@code data} (no copy). */
    public static Tensor view(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, shape);
    }

    /** Product of the dimensions; rejects negative dimensions and overflow. */
    public static int sizeOf(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor: negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("Tensor: shape " + Arrays.toString(shape) + " exceeds 2^31 elements");
            }
        }
        return (int) n;
    }

    /**
     * The backing array (shared, not copied). Elements live at {@code [offset, offset + size)}.
     * Brings device-newer contents back first and marks the host copy newer (the caller may write).
     */
    public float[] data() {
        DeviceMirrors.beforeHostWrite(data);
        return data;
    }

    /**
     * Starts bringing device-newer contents of the backing array to the host without waiting
     * ({@link DeviceMirrors#prefetch}): on a device that copies alongside its work, the copy runs
     * while later GPU ops compute, and the next host accessor only waits for it to end. Nothing
     * happens when the host copy is current.
     */
    public void prefetchToHost() {
        DeviceMirrors.prefetch(data);
    }

    /**
     * The backing array without any device synchronisation: for identity and for the GPU
     * residency machinery ({@link dev.ssam.runtime.gpu}), which manages the device copy itself.
     * Its elements may be stale while a device holds newer contents; read them through
     * {@link #data()} or the other accessors.
     */
    public float[] storage() {
        return data;
    }

    /** Whether this tensor and {@code other} are windows of the same backing array (no device sync). */
    public boolean sharesStorage(Tensor other) {
        return data == other.data;
    }

    /** Index of element 0 inside {@link #data()}. */
    public int offset() {
        return offset;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}; negative {@code i} counts from the end ({@code dim(-1)} is the last). */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int size() {
        return size;
    }

    /** Element at a full multi-index. */
    public float get(int... index) {
        DeviceMirrors.beforeHostRead(data);
        return data[offset + flatIndex(index)];
    }

    /** Sets the element at a full multi-index. */
    public void set(float value, int... index) {
        DeviceMirrors.beforeHostWrite(data);
        data[offset + flatIndex(index)] = value;
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("Tensor: index " + Arrays.toString(index) + " for shape " + shapeString());
        }
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("Tensor: index " + Arrays.toString(index) + " outside " + shapeString());
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** A view with a new shape of the same size (no copy). */
    public Tensor reshape(int... newShape) {
        if (sizeOf(newShape) != size) {
            throw new IllegalArgumentException("Tensor.reshape: " + shapeString() + " cannot become "
                    + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, newShape);
    }

    /** A view of rows {@code [from, to)} along dimension 0 (no copy). */
    public Tensor slice0(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("Tensor.slice0: [" + from + ", " + to + ") of " + shapeString());
        }
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(data, offset + from * (size / Math.max(1, shape[0])), s);
    }

    /** The window as a heap {@link java.lang.foreign.MemorySegment} of {@code 4 * size} bytes (no copy). */
    public java.lang.foreign.MemorySegment asSegment() {
        DeviceMirrors.beforeHostWrite(data);
        return java.lang.foreign.MemorySegment.ofArray(data).asSlice(4L * offset, 4L * size);
    }

    /** A compact copy (offset 0). */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    /** The elements as a new array. */
    public float[] toArray() {
        DeviceMirrors.beforeHostRead(data);
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    public void fill(float value) {
        DeviceMirrors.beforeHostWrite(data);
        Arrays.fill(data, offset, offset + size, value);
    }

    /** Copies the elements of {@code src}, which must have the same size. */
    public void copyFrom(Tensor src) {
        if (src.size != size) {
            throw new IllegalArgumentException("Tensor.copyFrom: " + src.shapeString() + " into " + shapeString());
        }
        DeviceMirrors.beforeHostRead(src.data);
        DeviceMirrors.beforeHostWrite(data);
        System.arraycopy(src.data, src.offset, data, offset, size);
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
