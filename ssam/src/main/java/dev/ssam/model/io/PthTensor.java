package dev.ssam.model.io;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.FileFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tensor of a PyTorch checkpoint as {@code torch._utils._rebuild_tensor_v2} describes it: a
 * window (storage offset, size, stride) into a typed storage. {@link #toFloat32()} materialises it
 * as a compact row-major float32 {@link Tensor}, following the strides, so non-contiguous
 * (transposed, expanded, offset) tensors come out right.
 *
 * <pre>{@code
 * PthTensor t = checkpoint.tensors("model").get("pos_embed");   // (1, 251, D)
 * Tensor x = t.toFloat32();
 * }</pre>
 */
public final class PthTensor {
    /**
     * One storage of the archive: {@code <prefix>/data/<key>}, {@code numel} elements as the
     * persistent id declares them, and the bytes actually present.
     */
    record Storage(Path file, String key, StorageType type, long numel, byte[] bytes, ByteOrder order) {
    }

    private final Storage storage;
    private final long storageOffset;
    private final int[] shape;
    private final long[] stride;

    PthTensor(Storage storage, long storageOffset, int[] shape, long[] stride) {
        this.storage = storage;
        this.storageOffset = storageOffset;
        this.shape = shape.clone();
        this.stride = stride.clone();
    }

    /** Element type of the storage. */
    public StorageType dtype() {
        return storage.type();
    }

    /** Size per dimension (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Stride per dimension, in elements (a copy). */
    public long[] stride() {
        return stride.clone();
    }

    /** First element's index inside the storage. */
    public long storageOffset() {
        return storageOffset;
    }

    /** The storage's key: its file is {@code <prefix>/data/<key>}. */
    public String storageKey() {
        return storage.key();
    }

    /** Number of elements. */
    public int numel() {
        return Tensor.sizeOf(shape);
    }

    /** Whether the strides are the row-major ones for the shape (size-1 dimensions ignored). */
    public boolean isContiguous() {
        long expect = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] != 1 && stride[k] != expect) {
                return false;
            }
            expect *= shape[k];
        }
        return true;
    }

    /**
     * The values as a compact float32 tensor of {@link #shape()}; float16, bfloat16 and float64 are
     * converted.
     *
     * @throws FileFormatException naming the file and storage when the dtype is not floating point or
     *                             the storage is too short for the window (a truncated checkpoint)
     */
    public Tensor toFloat32() throws FileFormatException {
        return toFloat32("tensor");
    }

    /** As {@link #toFloat32()}, with {@code what} naming the tensor in messages. */
    Tensor toFloat32(String what) throws FileFormatException {
        StorageType type = storage.type();
        if (!type.isFloatingPoint()) {
            throw new FileFormatException(storage.file(), what + " is " + type.dtype() + " (torch." + type.className()
                    + "), expected a floating-point tensor (float32, float16, bfloat16 or float64)");
        }
        int n = numel();
        float[] out = new float[n];
        if (n == 0) {
            return Tensor.of(out, shape);
        }
        long last = storageOffset;
        for (int k = 0; k < shape.length; k++) {
            last += (shape[k] - 1) * stride[k];
        }
        long present = storage.bytes().length / type.bytes();
        if (last >= storage.numel() || last >= present) {
            throw new FileFormatException(storage.file(), what + " " + Arrays.toString(shape) + " (offset "
                    + storageOffset + ", stride " + Arrays.toString(stride) + ") reads element " + last
                    + " of storage 'data/" + storage.key() + "', which declares " + storage.numel() + " elements and holds "
                    + storage.bytes().length + " bytes (" + present + " " + type.dtype() + "): truncated checkpoint");
        }
        ByteBuffer buf = ByteBuffer.wrap(storage.bytes()).order(storage.order());
        if (type == StorageType.FLOAT && isContiguous()) {
            buf.asFloatBuffer().get((int) storageOffset, out, 0, n);
            return Tensor.of(out, shape);
        }
        int[] index = new int[shape.length];
        long at = storageOffset;
        for (int i = 0; i < n; i++) {
            out[i] = read(buf, type, at);
            for (int k = shape.length - 1; k >= 0; k--) {
                index[k]++;
                at += stride[k];
                if (index[k] < shape[k]) {
                    break;
                }
                at -= (long) shape[k] * stride[k];
                index[k] = 0;
            }
        }
        return Tensor.of(out, shape);
    }

    private static float read(ByteBuffer buf, StorageType type, long element) {
        int pos = Math.toIntExact(element * type.bytes());
        return switch (type) {
            case FLOAT -> buf.getFloat(pos);
            case DOUBLE -> (float) buf.getDouble(pos);
            case HALF -> Float.float16ToFloat(buf.getShort(pos));
            case BFLOAT16 -> Float.intBitsToFloat((buf.getShort(pos) & 0xffff) << 16);
            default -> throw new IllegalStateException("unreachable: " + type);
        };
    }

    @Override
    public String toString() {
        return "PthTensor(" + storage.type().dtype() + Arrays.toString(shape) + ", storage " + storage.key()
                + (storageOffset == 0 ? "" : " + " + storageOffset) + (isContiguous() ? "" : ", stride " + Arrays.toString(stride)) + ")";
    }
}
