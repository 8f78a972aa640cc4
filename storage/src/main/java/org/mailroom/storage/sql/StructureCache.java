package org.mailroom.storage.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore.Appending;
import org.mailroom.storage.StoreValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each blob's parsed MIME structure (ENVELOPE, BODYSTRUCTURE, header fields), kept in {@code blob_structure}.
 *
 * <p>A delivery parses the committed blob on the caller's thread, before its transaction (so on SQLite the parse
 * runs in parallel on the sessions' threads, not on the single writer), and stores the result in the same
 * transaction as the messages: a delivery is never visible without its structure, and IMAP FETCH
 * ENVELOPE/BODYSTRUCTURE and header SEARCH over a mailbox read no message bytes. Parsing at the first FETCH
 * instead would put the blob reads back on the path this is meant to make fast. Blobs stored by older versions
 * get theirs on first use.
 */
final class StructureCache {

    private static final Logger log = LoggerFactory.getLogger(StructureCache.class);
    /** Ids per read: under SQLite's limit on the parameters of one statement. */
    private static final int CHUNK = 500;

    private final Transactions db;
    private final BlobStore blobs;
    private final String insertAtDelivery;
    private final String replaceIfNamed;

    StructureCache(Transactions db, Dialect dialect, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
        this.insertAtDelivery = dialect.insertOrIgnore("INSERT INTO blob_structure (blob_id, data) VALUES (?, ?)");
        // Only while some row still names the blob, so no row outlives a blob expunged meanwhile.
        this.replaceIfNamed = dialect.insertOrReplace("INSERT INTO blob_structure (blob_id, data) SELECT ?, ?"
                + " WHERE EXISTS (SELECT 1 FROM message WHERE blob_id = ?)", "blob_id", "data");
    }

    /** The stored form of each blob's structure, parsed once per blob; null for a blob that cannot be read. */
    Map<String, byte[]> parse(List<Appending> messages) {
        Map<String, byte[]> structures = new LinkedHashMap<>();
        for (Appending each : messages) {
            String blobId = each.message().blobId();
            if (!structures.containsKey(blobId)) structures.put(blobId, parseQuietly(blobId));
        }
        return structures;
    }

    /** In the delivering transaction: the blobs (named from now on) and their structures. */
    void store(SqlTx tx, Map<String, byte[]> structures) throws SQLException, IOException {
        for (Map.Entry<String, byte[]> structure : structures.entrySet()) {
            tx.nameBlob(structure.getKey());
            if (structure.getValue() != null) tx.update(insertAtDelivery, structure.getKey(), structure.getValue());
        }
    }

    Optional<MessageStructure> structure(String blobId) throws IOException {
        if (!StoreValues.isBlobId(blobId)) return Optional.empty();
        Optional<byte[]> stored = db.read(sql -> sql.queryOne("SELECT data FROM blob_structure WHERE blob_id = ?",
                rs -> rs.getBytes(1), blobId));
        if (stored.isPresent()) {
            try {
                return Optional.of(MessageStructure.fromBytes(stored.get()));
            } catch (IllegalArgumentException e) {
                // Written by another version of the codec, or damaged: parse the message again below.
                log.debug("Stored structure of blob {} unreadable ({}); parsing again", blobId, e.getMessage());
            }
        }
        MessageStructure parsed;
        try (InputStream in = blobs.open(blobId)) {
            parsed = MessageStructure.parse(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        byte[] data = parsed.toBytes();
        // Not waited for where the backend allows (SQLite): a mailbox of old messages is thousands of these, and
        // each may be redone if lost.
        db.writeLater(tx -> tx.update(replaceIfNamed, blobId, data, blobId));
        return Optional.of(parsed);
    }

    /** One read transaction for the stored ones, in chunks; the others parsed as {@link #structure} does. */
    Map<String, MessageStructure> structures(Collection<String> blobIds) throws IOException {
        List<String> ids = List.copyOf(new LinkedHashSet<>(blobIds));
        Map<String, byte[]> stored = db.read(sql -> {
            Map<String, byte[]> rows = new HashMap<>();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                for (Object[] row : sql.query("SELECT blob_id, data FROM blob_structure WHERE blob_id IN (" + marks + ")",
                        rs -> new Object[] {rs.getString(1), rs.getBytes(2)}, chunk.toArray())) {
                    rows.put((String) row[0], (byte[]) row[1]);
                }
            }
            return rows;
        });
        Map<String, MessageStructure> found = new HashMap<>();
        for (String id : ids) {
            byte[] data = stored.get(id);
            MessageStructure structure = null;
            if (data != null) {
                try {
                    structure = MessageStructure.fromBytes(data);
                } catch (IllegalArgumentException e) {
                    structure = null; // unreadable: parsed again by structure(id)
                }
            }
            if (structure == null) structure = structure(id).orElse(null);
            if (structure != null) found.put(id, structure);
        }
        return found;
    }

    /** The stored form of a blob's structure, or null if the blob cannot be read (then it is parsed on first use). */
    private byte[] parseQuietly(String blobId) {
        try (InputStream in = blobs.open(blobId)) {
            return MessageStructure.parse(in).toBytes();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot parse blob {} at delivery ({}); its structure will be computed on first use", blobId,
                    e.toString());
            return null;
        }
    }
}
