package dev.reliant.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Sequential bytes for {@link Unpickler}: an in-memory array or a region of a file read through
 * a small buffer. Knows its position and how much remains, so that a length field can be checked
 * against the real input before anything is allocated for it.
 */
abstract class PickleInput {
    /** The position of the next byte, relative to the start of the whole input. */
    abstract long position();

    /** The bytes left. */
    abstract long remaining();

    /** The next byte (0–255), or -1 at the end. */
    abstract int read();

    /** Fills {@code b} completely; the caller has checked {@link #remaining()}. */
    abstract void readFully(byte[] b);

    static PickleInput of(byte[] bytes) {
        return new ArrayInput(bytes);
    }

    /** A region [start, end) of an open file. */
    static PickleInput of(Path file, FileChannel ch, long start, long end) {
        return new ChannelInput(file, ch, start, end);
    }

    private static final class ArrayInput extends PickleInput {
        private final byte[] a;
        private int pos;

        ArrayInput(byte[] a) {
            this.a = a;
        }

        @Override
        long position() {
            return pos;
        }

        @Override
        long remaining() {
            return a.length - pos;
        }

        @Override
        int read() {
            return pos < a.length ? a[pos++] & 0xFF : -1;
        }

        @Override
        void readFully(byte[] b) {
            System.arraycopy(a, pos, b, 0, b.length);
            pos += b.length;
        }
    }

    private static final class ChannelInput extends PickleInput {
        private final Path file;
        private final FileChannel ch;
        private final long end;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private long bufStart; // file position of buf's byte 0
        private long pos;

        ChannelInput(Path file, FileChannel ch, long start, long end) {
            this.file = file;
            this.ch = ch;
            this.end = end;
            this.pos = start;
            this.bufStart = start;
            buf.limit(0);
        }

        @Override
        long position() {
            return pos;
        }

        @Override
        long remaining() {
            return end - pos;
        }

        @Override
        int read() {
            if (pos >= end) {
                return -1;
            }
            if (pos - bufStart >= buf.limit()) {
                fill();
            }
            int b = buf.get((int) (pos - bufStart)) & 0xFF;
            pos++;
            return b;
        }

        @Override
        void readFully(byte[] b) {
            int done = 0;
            while (done < b.length) {
                if (pos - bufStart >= buf.limit()) {
                    fill();
                }
                int at = (int) (pos - bufStart);
                int n = Math.min(b.length - done, buf.limit() - at);
                buf.position(at);
                buf.get(b, done, n);
                done += n;
                pos += n;
            }
        }

        private void fill() {
            buf.clear();
            bufStart = pos;
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            try {
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, bufStart + buf.position());
                    if (r < 0) {
                        throw new WeightFileException(file, "unexpected end of file at byte "
                                + (bufStart + buf.position()));
                    }
                }
            } catch (IOException e) {
                throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
            }
            buf.flip();
        }
    }
}
