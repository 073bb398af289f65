package dev.ssam.model.io;

import java.util.Optional;

/**
 * Element types of PyTorch storages as {@code torch.save} names them in persistent ids
 * ({@code torch.FloatStorage} and friends).
 */
public enum StorageType {
    FLOAT("FloatStorage", 4, "float32", true),
    DOUBLE("DoubleStorage", 8, "float64", true),
    HALF("HalfStorage", 2, "float16", true),
    BFLOAT16("BFloat16Storage", 2, "bfloat16", true),
    LONG("LongStorage", 8, "int64", false),
    INT("IntStorage", 4, "int32", false),
    SHORT("ShortStorage", 2, "int16", false),
    CHAR("CharStorage", 1, "int8", false),
    BYTE("ByteStorage", 1, "uint8", false),
    BOOL("BoolStorage", 1, "bool", false);

    private final String className;
    private final int bytes;
    private final String dtype;
    private final boolean floatingPoint;

    StorageType(String className, int bytes, String dtype, boolean floatingPoint) {
        this.className = className;
        this.bytes = bytes;
        this.dtype = dtype;
        this.floatingPoint = floatingPoint;
    }

    /** The class name in module {@code torch}, e.g. {@code FloatStorage}. */
    public String className() {
        return className;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The torch dtype name, e.g. {@code float32}. */
    public String dtype() {
        return dtype;
    }

    /** Whether tensors of this type can be read as float32 (widened or narrowed). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type named {@code torch.<className>}, if known. */
    public static Optional<StorageType> ofClassName(String className) {
        for (StorageType t : values()) {
            if (t.className.equals(className)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
