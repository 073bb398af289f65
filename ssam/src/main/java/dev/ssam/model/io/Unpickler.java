package dev.ssam.model.io;

import dev.ssam.runtime.io.FileFormatException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted pickle reader for {@code torch.save} payloads (protocols 2 to 5). It interprets the
 * opcodes as data only: of all Python globals it understands {@code collections.OrderedDict} (an
 * ordered map), the torch tensor rebuild functions and the {@code torch.*Storage} types; every
 * other global becomes an inert {@link PickledGlobal} and calling it an inert {@link PickledObject}.
 * Nothing from the file is ever loaded, resolved or executed.
 *
 * <p>Python values map to: dict and OrderedDict to {@link LinkedHashMap}, list to {@link ArrayList},
 * tuple to an unmodifiable {@link List}, set to {@link LinkedHashSet}, int to {@link Long} (or
 * {@link BigInteger} beyond 64 bits), float to {@link Double}, str to {@link String}, bytes to
 * {@code byte[]}, bool to {@link Boolean}, None to null, tensors to {@link PthTensor}. State attached
 * to dicts by BUILD (a state dict's {@code _metadata}) is dropped.
 */
final class Unpickler {
    /** Turns a persistent id (torch: a storage tuple) into a value. */
    interface PersistentLoader {
        Object load(Object pid) throws FileFormatException;
    }

    /** The globals this reader interprets. */
    private enum Known {
        ORDERED_DICT, REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_PARAMETER, REBUILD_FROM_TYPE_V2
    }

    private static final int HIGHEST_PROTOCOL = 5;

    private final Path file;
    private final String entry;
    private final byte[] data;
    private final PersistentLoader loader;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;

    Unpickler(Path file, String entry, byte[] data, PersistentLoader loader) {
        this.file = file;
        this.entry = entry;
        this.data = data;
        this.loader = loader;
    }

    /** Runs the opcodes up to STOP and returns the top-level value. */
    Object load() throws FileFormatException {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> {
                    int proto = u8();
                    if (proto > HIGHEST_PROTOCOL) {
                        throw error(at, "pickle protocol " + proto + " is newer than " + HIGHEST_PROTOCOL);
                    }
                }
                case 0x95 -> skip(8);
                case '.' -> {
                    return pop(at);
                }
                case '(' -> marks.push(stack.size());
                case '0' -> {
                    if (!marks.isEmpty() && marks.peek() == stack.size()) {
                        marks.pop();
                    } else {
                        pop(at);
                    }
                }
                case '1' -> popMark(at);
                case '2' -> push(peek(at));
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) s32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | u8() << 8));
                case 0x8a -> push(longBytes(u8()));
                case 0x8b -> push(longBytes(length(at, s32())));
                case 'I' -> push(textInt(at, line()));
                case 'L' -> push(textLong(at, line()));
                case 'F' -> push(textFloat(at, line()));
                case 'G' -> push(Double.longBitsToDouble(beLong()));
                case 'X' -> push(utf8(length(at, u32())));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(length(at, s64())));
                case 'T' -> push(latin1(length(at, s32())));
                case 'U' -> push(latin1(u8()));
                case 'B' -> push(bytes(length(at, u32())));
                case 'C' -> push(bytes(u8()));
                case 0x8e, 0x96 -> push(bytes(length(at, s64())));
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(tuple(List.of()));
                case 0x8f -> push(new LinkedHashSet<>());
                case 'd' -> push(dict(at, popMark(at)));
                case 'l' -> push(new ArrayList<>(popMark(at)));
                case 't' -> push(tuple(popMark(at)));
                case 0x85 -> push(tuple(popN(at, 1)));
                case 0x86 -> push(tuple(popN(at, 2)));
                case 0x87 -> push(tuple(popN(at, 3)));
                case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark(at))));
                case 'a' -> {
                    Object v = pop(at);
                    append(at, peek(at), v);
                }
                case 'e' -> {
                    List<Object> items = popMark(at);
                    Object target = peek(at);
                    for (Object v : items) {
                        append(at, target, v);
                    }
                }
                case 's' -> {
                    Object v = pop(at);
                    Object k = pop(at);
                    setItem(at, peek(at), k, v);
                }
                case 'u' -> {
                    List<Object> items = popMark(at);
                    Object target = peek(at);
                    for (int k = 0; k + 1 < items.size(); k += 2) {
                        setItem(at, target, items.get(k), items.get(k + 1));
                    }
                }
                case 0x90 -> {
                    List<Object> items = popMark(at);
                    if (!(peek(at) instanceof Set<?>)) {
                        throw error(at, "ADDITEMS on a " + describe(peek(at)));
                    }
                    @SuppressWarnings("unchecked")
                    Set<Object> set = (Set<Object>) peek(at);
                    set.addAll(items);
                }
                case 'q' -> memo.put((long) u8(), peek(at));
                case 'r' -> memo.put(u32(), peek(at));
                case 0x94 -> memo.put((long) memo.size(), peek(at));
                case 'p' -> memo.put(textLong(at, line()).longValue(), peek(at));
                case 'h' -> push(memoGet(at, u8()));
                case 'j' -> push(memoGet(at, u32()));
                case 'g' -> push(memoGet(at, textLong(at, line()).longValue()));
                case 'c' -> {
                    String module = line();
                    push(global(module, line()));
                }
                case 0x93 -> {
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error(at, "STACK_GLOBAL needs two strings, found " + describe(module) + " and " + describe(name));
                    }
                    push(global(m, n));
                }
                case 'R' -> {
                    Object args = pop(at);
                    push(call(at, pop(at), args));
                }
                case 0x81 -> {
                    Object args = pop(at);
                    push(instantiate(at, pop(at), args));
                }
                case 0x92 -> {
                    pop(at);
                    Object args = pop(at);
                    push(instantiate(at, pop(at), args));
                }
                case 'b' -> {
                    Object state = pop(at);
                    if (peek(at) instanceof PickledObject o) {
                        o.setState(state);
                    }
                }
                case 'Q' -> push(loader.load(pop(at)));
                default -> throw error(at, "unsupported pickle opcode 0x" + Integer.toHexString(op)
                        + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "")
                        + " (torch.save writes protocol 2 opcodes; protocol 0/1 objects, extensions and out-of-band buffers are not read)");
            }
        }
    }

    private Object global(String module, String name) {
        String full = module + "." + name;
        return switch (full) {
            case "collections.OrderedDict" -> Known.ORDERED_DICT;
            case "torch._utils._rebuild_tensor" -> Known.REBUILD_TENSOR;
            case "torch._utils._rebuild_tensor_v2" -> Known.REBUILD_TENSOR_V2;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> Known.REBUILD_PARAMETER;
            case "torch._tensor._rebuild_from_type_v2" -> Known.REBUILD_FROM_TYPE_V2;
            default -> module.equals("torch")
                    ? StorageType.ofClassName(name).<Object>map(t -> t).orElse(new PickledGlobal(module, name))
                    : new PickledGlobal(module, name);
        };
    }

    private Object call(int at, Object callable, Object argsValue) throws FileFormatException {
        if (!(argsValue instanceof List<?> raw)) {
            throw error(at, "REDUCE arguments are a " + describe(argsValue) + ", expected a tuple");
        }
        List<Object> args = tuple(raw);
        return switch (callable) {
            case Known.ORDERED_DICT -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                if (!args.isEmpty() && args.get(0) instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (p instanceof List<?> kv && kv.size() == 2) {
                            m.put(kv.get(0), kv.get(1));
                        }
                    }
                }
                yield m;
            }
            case Known.REBUILD_TENSOR, Known.REBUILD_TENSOR_V2 -> rebuildTensor(at, args);
            case Known.REBUILD_PARAMETER -> {
                if (args.isEmpty() || !(args.get(0) instanceof PthTensor t)) {
                    throw error(at, "_rebuild_parameter without a tensor: " + describe(args));
                }
                yield t;
            }
            case Known.REBUILD_FROM_TYPE_V2 -> {
                if (args.size() < 3) {
                    throw error(at, "_rebuild_from_type_v2 with " + args.size() + " arguments, expected 4");
                }
                if (args.get(0) == Known.REBUILD_FROM_TYPE_V2) {
                    throw error(at, "_rebuild_from_type_v2 nested in itself");
                }
                yield call(at, args.get(0), args.get(2));
            }
            case PickledGlobal g -> new PickledObject(g, args);
            case null, default -> throw error(at, "REDUCE calls " + describe(callable) + ", which is not callable here");
        };
    }

    private Object instantiate(int at, Object cls, Object argsValue) throws FileFormatException {
        List<Object> args = argsValue instanceof List<?> l ? tuple(l) : List.of();
        return switch (cls) {
            case Known.ORDERED_DICT -> new LinkedHashMap<>();
            case PickledGlobal g -> new PickledObject(g, args);
            case null, default -> throw error(at, "NEWOBJ on " + describe(cls) + ", which is not a class here");
        };
    }

    /** {@code _rebuild_tensor[_v2](storage, storage_offset, size, stride, ...)}. */
    private PthTensor rebuildTensor(int at, List<Object> args) throws FileFormatException {
        if (args.size() < 4 || !(args.get(0) instanceof PthTensor.Storage storage)
                || !(args.get(2) instanceof List<?> size) || !(args.get(3) instanceof List<?> stride)
                || size.size() != stride.size()) {
            throw error(at, "tensor rebuild arguments " + describe(args) + " are not (storage, offset, size, stride)");
        }
        long offset = nonNegative(at, args.get(1), "storage offset", Long.MAX_VALUE / 2);
        int[] shape = new int[size.size()];
        long[] strides = new long[size.size()];
        for (int k = 0; k < shape.length; k++) {
            shape[k] = (int) nonNegative(at, size.get(k), "size", Integer.MAX_VALUE);
            strides[k] = nonNegative(at, stride.get(k), "stride", 1L << 40);
        }
        try {
            dev.ssam.runtime.Tensor.sizeOf(shape);
        } catch (IllegalArgumentException e) {
            throw error(at, "tensor of size " + Arrays.toString(shape) + " is too large");
        }
        return new PthTensor(storage, offset, shape, strides);
    }

    private long nonNegative(int at, Object v, String what, long max) throws FileFormatException {
        if (!(v instanceof Long l) || l < 0 || l > max) {
            throw error(at, "tensor " + what + " is " + describe(v) + ", expected an integer in [0, " + max + "]");
        }
        return l;
    }

    private void append(int at, Object target, Object v) throws FileFormatException {
        switch (target) {
            case ArrayList<?> l -> {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) l;
                list.add(v);
            }
            case PickledObject o -> o.addItem(v);
            case null, default -> throw error(at, "APPEND to a " + describe(target));
        }
    }

    private void setItem(int at, Object target, Object k, Object v) throws FileFormatException {
        switch (target) {
            case Map<?, ?> m -> {
                @SuppressWarnings("unchecked")
                Map<Object, Object> map = (Map<Object, Object>) m;
                map.put(k, v);
            }
            case PickledObject o -> o.putItem(k, v);
            case null, default -> throw error(at, "SETITEM on a " + describe(target));
        }
    }

    private Map<Object, Object> dict(int at, List<Object> items) throws FileFormatException {
        if (items.size() % 2 != 0) {
            throw error(at, "DICT with an odd number of items");
        }
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < items.size(); k += 2) {
            m.put(items.get(k), items.get(k + 1));
        }
        return m;
    }

    private static List<Object> tuple(List<?> items) {
        return Collections.unmodifiableList(Arrays.asList(items.toArray()));
    }

    private void push(Object v) {
        stack.add(v);
    }

    private Object pop(int at) throws FileFormatException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.peek() == stack.size())) {
            throw error(at, "stack underflow");
        }
        return stack.removeLast();
    }

    private Object peek(int at) throws FileFormatException {
        if (stack.isEmpty()) {
            throw error(at, "stack underflow");
        }
        return stack.getLast();
    }

    private List<Object> popMark(int at) throws FileFormatException {
        if (marks.isEmpty()) {
            throw error(at, "no MARK on the stack");
        }
        int from = marks.pop();
        List<Object> top = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private List<Object> popN(int at, int n) throws FileFormatException {
        Object[] items = new Object[n];
        for (int k = n - 1; k >= 0; k--) {
            items[k] = pop(at);
        }
        return Arrays.asList(items);
    }

    private Object memoGet(int at, long key) throws FileFormatException {
        if (!memo.containsKey(key)) {
            throw error(at, "memo key " + key + " was never stored");
        }
        return memo.get(key);
    }

    private FileFormatException error(int at, String what) {
        return new FileFormatException(file, entry + " at byte " + at + ": " + what);
    }

    private static String describe(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Known k) {
            return k.name();
        }
        String text = v.getClass().getSimpleName() + " " + v;
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private void need(int n) throws FileFormatException {
        if (n < 0 || n > data.length - pos) {
            throw error(pos, "truncated pickle: needs " + n + " more bytes, " + (data.length - pos) + " left");
        }
    }

    private int length(int at, long n) throws FileFormatException {
        if (n < 0 || n > data.length - pos) {
            throw error(at, "truncated pickle: length " + n + " runs past the end (" + (data.length - pos) + " bytes left)");
        }
        return (int) n;
    }

    private void skip(int n) throws FileFormatException {
        need(n);
        pos += n;
    }

    private int u8() throws FileFormatException {
        need(1);
        return data[pos++] & 0xff;
    }

    private int s32() throws FileFormatException {
        need(4);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16 | data[pos + 3] << 24;
        pos += 4;
        return v;
    }

    private long u32() throws FileFormatException {
        return s32() & 0xffffffffL;
    }

    private long s64() throws FileFormatException {
        long lo = u32();
        return lo | (long) s32() << 32;
    }

    private long beLong() throws FileFormatException {
        need(8);
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | (data[pos++] & 0xff);
        }
        return v;
    }

    private byte[] bytes(int n) throws FileFormatException {
        need(n);
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    private String utf8(int n) throws FileFormatException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) throws FileFormatException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** LONG1/LONG4 payload: little-endian two's complement. */
    private Object longBytes(int n) throws FileFormatException {
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int k = 0; k < n; k++) {
            be[k] = le[n - 1 - k];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() throws FileFormatException {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            pos++;
        }
        if (pos >= data.length) {
            throw error(start, "unterminated text argument");
        }
        return new String(data, start, pos++ - start, StandardCharsets.UTF_8);
    }

    private Object textInt(int at, String s) throws FileFormatException {
        return switch (s) {
            case "00" -> Boolean.FALSE;
            case "01" -> Boolean.TRUE;
            default -> textLong(at, s);
        };
    }

    private Long textLong(int at, String s) throws FileFormatException {
        try {
            return Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
        } catch (NumberFormatException e) {
            throw error(at, "bad integer '" + s + "'");
        }
    }

    private Double textFloat(int at, String s) throws FileFormatException {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error(at, "bad float '" + s + "'");
        }
    }
}
