package dev.ssam.ops.audio;

import java.io.IOException;

/**
 * Audio whose bytes cannot be decoded: the message names the source (file name or the name given
 * for a byte array or stream) and the problem, e.g.
 * {@code clip.wav: unsupported encoding: format tag 0x0006 (A-law); ...}.
 */
public final class AudioFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /**
     * @param source  the file or stream name
     * @param problem what is wrong, in words
     */
    public AudioFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    /** The file or stream name. */
    public String source() {
        return source;
    }

    /** The problem without the source prefix. */
    public String problem() {
        return problem;
    }
}
