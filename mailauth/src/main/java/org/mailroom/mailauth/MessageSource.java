package org.mailroom.mailauth;

import java.io.IOException;
import java.io.InputStream;

/**
 * A message that can be read more than once, e.g. from the blob store it was spooled to:
 * {@code () -> blobs.open(id)}. Each call opens a new stream from the first byte; the caller closes it.
 */
@FunctionalInterface
public interface MessageSource {
    InputStream open() throws IOException;
}
