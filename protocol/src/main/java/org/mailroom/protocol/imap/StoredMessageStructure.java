package org.mailroom.protocol.imap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.mime.PartLocation;
import org.mailroom.core.mime.Section;
import org.mailroom.core.mime.TransferDecoding;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;

/**
 * The structure kept by the store ({@link MailStore#structure}), and section bytes read from just their range
 * of the blob: {@code FETCH 1:* (ENVELOPE BODYSTRUCTURE)} opens no message file, {@code BODY.PEEK[2]<0.1024>} of
 * a 20 MB message reads 1 KiB.
 *
 * <p>The last structures used are kept in memory (shared by all sessions, keyed by blob id, so every copy of a
 * message hits the same entry): clients send FETCH 1:* again and again, and one FETCH often asks for ENVELOPE,
 * BODYSTRUCTURE and a section of the same message.
 */
public final class StoredMessageStructure implements MessageStructureSource {

    /** A few MB of heap at most (a structure is a few KiB for ordinary mail); well above {@link #BATCH}. */
    private static final int CACHED = 2048;

    private final MailStore store;
    private final BlobStore blobs;
    private final Map<String, MessageStructure> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MessageStructure> eldest) {
            return size() > CACHED;
        }
    };

    public StoredMessageStructure(MailStore store, BlobStore blobs) {
        this.store = store;
        this.blobs = blobs;
    }

    @Override
    public MessageStructure structure(MessageRecord message) throws IOException {
        String blobId = message.blobId();
        synchronized (recent) {
            MessageStructure cached = recent.get(blobId);
            if (cached != null) return cached;
        }
        // Outside the lock: a miss may read the database or, for old data, parse the blob.
        MessageStructure structure = store.structure(blobId).orElseThrow(() -> new NoSuchFileException(blobId));
        synchronized (recent) {
            recent.put(blobId, structure);
        }
        return structure;
    }

    @Override
    public void prefetch(List<MessageRecord> messages) throws IOException {
        List<String> missing = new java.util.ArrayList<>();
        synchronized (recent) {
            for (MessageRecord m : messages) if (!recent.containsKey(m.blobId())) missing.add(m.blobId());
        }
        if (missing.isEmpty()) return;
        Map<String, MessageStructure> found = store.structures(missing);
        synchronized (recent) {
            recent.putAll(found);
        }
    }

    @Override
    public byte[] section(MessageRecord message, Section section, long partialStart, long partialLength)
            throws IOException {
        Optional<PartLocation> found = structure(message).locate(section);
        if (found.isEmpty()) return new byte[0];
        PartLocation location = found.get();
        if (location.filter() == PartLocation.Filter.NONE) {
            BlobRange range = window(location, partialStart, partialLength);
            return read(message.blobId(), range.offset(), range.length());
        }
        // HEADER.FIELDS (.NOT): the partial applies to the filtered header (RFC 9051 section 6.4.5).
        byte[] data = location.extract(read(message.blobId(), location.offset(), location.length()));
        if (partialStart < 0) return data;
        int from = (int) Math.min(partialStart, data.length);
        return Arrays.copyOfRange(data, from, (int) Math.min(data.length, from + partialLength));
    }

    @Override
    public Optional<BlobRange> range(MessageRecord message, Section section, long partialStart, long partialLength)
            throws IOException {
        Optional<PartLocation> found = structure(message).locate(section);
        if (found.isEmpty() || found.get().filter() != PartLocation.Filter.NONE) return Optional.empty();
        return Optional.of(window(found.get(), partialStart, partialLength));
    }

    /** The partial is a window on the section's range: only that is read. */
    private static BlobRange window(PartLocation location, long partialStart, long partialLength) {
        long skip = partialStart < 0 ? 0 : Math.min(partialStart, location.length());
        long length = location.length() - skip;
        if (partialStart >= 0) length = Math.min(length, partialLength);
        return new BlobRange(location.offset() + skip, length);
    }

    @Override
    public byte[] binary(MessageRecord message, List<Integer> part) throws IOException, UnknownEncodingException {
        MessageStructure structure = structure(message);
        if (part.isEmpty()) return read(message.blobId(), 0, structure.size());
        Optional<PartLocation> found = structure.locate(new Section(part, Section.Specifier.NONE, List.of()));
        if (found.isEmpty()) return new byte[0];
        PartLocation location = found.get();
        String encoding = location.part().encoding();
        byte[] decoded = TransferDecoding.decode(read(message.blobId(), location.offset(), location.length()),
                encoding);
        if (decoded == null) throw new UnknownEncodingException(encoding);
        return decoded;
    }

    /** {@code length} octets at {@code offset} of the blob; an empty range opens nothing. */
    private byte[] read(String blobId, long offset, long length) throws IOException {
        if (length <= 0) return new byte[0];
        try (InputStream in = blobs.open(blobId)) {
            in.skipNBytes(offset); // a file's stream seeks rather than reads
            return in.readNBytes(Math.toIntExact(length));
        }
    }
}
