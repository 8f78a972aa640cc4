package org.mailroom.delivery.sieve;

import java.io.IOException;
import java.io.InputStream;
import org.mailroom.core.store.BlobStore;
import org.mailroom.sieve.SieveMessage;

/** The message a script looks at: the stored blob (with our Return-Path line on top) and its envelope. */
record BlobMessage(BlobStore blobs, String blobId, long size, String envelopeFrom, String envelopeTo)
        implements SieveMessage {

    @Override
    public InputStream open() throws IOException {
        return blobs.open(blobId);
    }
}
