package dev.ssam.tools;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns the exceptions a user can cause (a missing file, a corrupt checkpoint, a bad WAV) into one
 * readable line, so commands print {@code ssam embed: <message>} and never a stack trace.
 *
 * <pre>{@code
 * err.println("ssam info: " + UserErrors.message(e));   // "x.pth: file not found"
 * }</pre>
 */
final class UserErrors {
    private UserErrors() {
    }

    /**
     * One line for {@code e}: the file system exceptions (whose message is often only the path)
     * say what happened to which file; every other exception keeps its own message, which in
     * this project already names the file or argument.
     */
    static String message(Throwable e) {
        return switch (e) {
            case NoSuchFileException f -> f.getFile() + ": " + reasonOr(f, "file not found");
            case AccessDeniedException f -> f.getFile() + ": permission denied";
            case FileAlreadyExistsException f -> f.getFile() + ": " + reasonOr(f, "already exists");
            case NotDirectoryException f -> f.getFile() + ": not a folder";
            case DirectoryNotEmptyException f -> f.getFile() + ": folder not empty";
            case FileSystemException f -> f.getFile() + ": " + reasonOr(f, f.getClass().getSimpleName());
            case IOException io when blank(io.getMessage()) -> io.getClass().getSimpleName();
            default -> blank(e.getMessage()) ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    private static String reasonOr(FileSystemException f, String fallback) {
        return blank(f.getReason()) ? fallback : f.getReason();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
