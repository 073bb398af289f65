package dev.ssam.runtime.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that exists but cannot be read as what it claims to be; the message names the file and the problem. */
public class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FileFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public FileFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
