package dev.ssam.model.io;

/**
 * A Python global ({@code module.name}) referenced by a pickle that the restricted unpickler does
 * not know. It is only a name: nothing is imported, resolved or run.
 *
 * @param module Python module, e.g. {@code argparse}
 * @param name   attribute, e.g. {@code Namespace}
 */
public record PickledGlobal(String module, String name) {
    @Override
    public String toString() {
        return module + "." + name;
    }
}
