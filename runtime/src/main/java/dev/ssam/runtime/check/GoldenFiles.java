package dev.ssam.runtime.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the official golden tensors in {@code shared/golden}, a sibling of the repository
 * checkout: the first ancestor of the working directory that has {@code shared/golden} (or is
 * beside it) wins.
 */
public final class GoldenFiles {
    private GoldenFiles() {
    }

    /** The golden folder, if one is found above the working directory. */
    public static Optional<Path> directory() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("shared").resolve("golden");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
            p = p.getParent();
        }
        return Optional.empty();
    }

    /** A golden file by name, if the folder and the file exist. */
    public static Optional<Path> file(String name) {
        return directory().map(d -> d.resolve(name)).filter(Files::isRegularFile);
    }

    /** Whether this process runs under CI ({@code CI=true}), where a missing golden file is a failure. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * A golden file copied into a module's test resources under {@code /golden/}, as a path.
     * Throws {@link IllegalStateException} naming the resource when it is not on the classpath.
     */
    public static Path resource(Class<?> anchor, String name) {
        java.net.URL url = anchor.getResource("/golden/" + name);
        if (url == null) {
            throw new IllegalStateException("golden resource /golden/" + name + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("golden resource " + url + " is not a file", e);
        }
    }
}
