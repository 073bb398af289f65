package dev.ssam.ops.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;

/**
 * The pages and packets of the first logical stream of an Ogg file held in memory (JOrbis's Ogg
 * layer), shared by {@link OggVorbisReader} and {@link OggOpusReader}: the first page is read and
 * fed to the stream on construction; {@link #nextPage} feeds the following pages of the same
 * stream and names truncation and holes.
 *
 * <pre>{@code
 * OggPages ogg = new OggPages(bytes, "a.ogg");
 * while (ogg.stream.packetout(ogg.packet) == 1) { ... }   // then ogg.nextPage(samples)
 * }</pre>
 */
final class OggPages {
    final SyncState sync = new SyncState();
    final StreamState stream = new StreamState();
    final Page page = new Page();
    final Packet packet = new Packet();
    private final String name;

    /** Takes the whole file; its first page starts the stream. */
    OggPages(byte[] bytes, String name) throws AudioFormatException {
        this.name = name;
        sync.init();
        int at = sync.buffer(bytes.length);
        System.arraycopy(bytes, 0, sync.data, at, bytes.length);
        sync.wrote(bytes.length);
        if (sync.pageout(page) != 1) {
            throw new AudioFormatException(name, "no complete Ogg page at the start of the file");
        }
        stream.init(page.serialno());
        stream.pagein(page);
    }

    /**
     * Feeds the next page of this stream (pages of other logical streams, e.g. a video track, are
     * skipped); false when every byte has been read in whole pages (a writer that never set the
     * end-of-stream flag, as libvorbisfile accepts). {@code samples} (decoded so far) goes into
     * the messages of a truncated file or a lost page.
     */
    boolean nextPage(int samples) throws AudioFormatException {
        while (true) {
            int result = sync.pageout(page);
            if (result == 0) {
                if (sync.getDataOffset() == sync.getBufferOffset()) {
                    return false;
                }
                throw new AudioFormatException(name, "the stream ends after " + samples
                        + " samples inside a page, without its end-of-stream page: the file is truncated");
            }
            if (result < 0) {
                throw new AudioFormatException(name, "a hole in the data after " + samples + " samples (a lost or corrupt page)");
            }
            if (stream.pagein(page) >= 0) {
                return true;
            }
        }
    }
}
