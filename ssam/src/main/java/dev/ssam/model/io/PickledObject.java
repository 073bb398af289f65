package dev.ssam.model.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inert stand-in for an object of an unknown class in a pickle ({@code argparse.Namespace},
 * numpy scalars, ...): the class name, the constructor arguments, and whatever state, items and
 * list items the pickle attached. Nothing is executed to build it.
 *
 * <pre>{@code
 * PickledObject args = (PickledObject) checkpoint.get("args");   // argparse.Namespace
 * Object epochs = args.attribute("epochs");                      // Long 100
 * }</pre>
 */
public final class PickledObject {
    private final PickledGlobal type;
    private final List<Object> args;
    private Object state;
    private final Map<Object, Object> items = new LinkedHashMap<>();
    private final List<Object> listItems = new ArrayList<>();

    PickledObject(PickledGlobal type, List<Object> args) {
        this.type = type;
        this.args = args;
    }

    /** The class (or function) the pickle would have called. */
    public PickledGlobal type() {
        return type;
    }

    /** Arguments of that call (a tuple). */
    public List<Object> args() {
        return args;
    }

    /** The state a BUILD opcode attached ({@code __setstate__} argument or {@code __dict__}), or null. */
    public Object state() {
        return state;
    }

    /** Key-value items set on the object (a dict subclass), in order. */
    public Map<Object, Object> items() {
        return Collections.unmodifiableMap(items);
    }

    /** Items appended to the object (a list subclass), in order. */
    public List<Object> listItems() {
        return Collections.unmodifiableList(listItems);
    }

    /** {@code state[name]} when the state is a dict (an object's {@code __dict__}); null otherwise. */
    public Object attribute(String name) {
        return state instanceof Map<?, ?> m ? m.get(name) : null;
    }

    void setState(Object state) {
        this.state = state;
    }

    void putItem(Object key, Object value) {
        items.put(key, value);
    }

    void addItem(Object value) {
        listItems.add(value);
    }

    @Override
    public String toString() {
        return type + args.toString() + (state == null ? "" : " state=" + state);
    }
}
