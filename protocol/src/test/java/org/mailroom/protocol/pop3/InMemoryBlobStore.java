package org.mailroom.protocol.pop3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.core.store.BlobStore;

/** A BlobStore in a map, for tests. "Durable" means "in the map". */
public final class InMemoryBlobStore implements BlobStore {

    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    public BlobWriter create() {
        return new BlobWriter() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void write(ByteBuffer buffer) {
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }

            @Override
            public long size() {
                return bytes.size();
            }

            @Override
            public String commit() {
                String id = UUID.randomUUID().toString();
                blobs.put(id, bytes.toByteArray());
                return id;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public InputStream open(String id) throws NoSuchFileException {
        byte[] bytes = blobs.get(id);
        if (bytes == null) throw new NoSuchFileException(id);
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public long size(String id) throws NoSuchFileException {
        byte[] bytes = blobs.get(id);
        if (bytes == null) throw new NoSuchFileException(id);
        return bytes.length;
    }

    @Override
    public void delete(String id) {
        blobs.remove(id);
    }

    boolean contains(String id) {
        return blobs.containsKey(id);
    }
}
