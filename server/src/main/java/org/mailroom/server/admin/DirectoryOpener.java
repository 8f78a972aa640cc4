package org.mailroom.server.admin;

import java.io.IOException;
import org.mailroom.core.store.Directory;
import org.mailroom.server.config.Config;

/**
 * Opens the directory of accounts, domains and aliases that the admin commands change. Main wires it to
 * the storage chosen by {@code store.backend}; tests hand in an in-memory directory. This seam keeps the
 * commands free of any storage implementation, e.g.:
 *
 * <pre>{@code
 * DirectoryOpener opener = config -> {
 *     EmbeddedStorage storage = EmbeddedStorage.open(config.server().dataDir());
 *     return DirectoryOpener.Handle.of(storage.directory(), storage::close);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface DirectoryOpener {

    /** Opens the storage that {@code config} names; the caller closes the handle. */
    Handle open(Config config) throws IOException;

    /** An open directory and whatever must be closed with it. */
    interface Handle extends AutoCloseable {

        Directory directory();

        @Override
        void close() throws IOException;

        /** A handle on {@code directory} that runs {@code onClose} when closed. */
        static Handle of(Directory directory, AutoCloseable onClose) {
            return new Handle() {
                @Override
                public Directory directory() {
                    return directory;
                }

                @Override
                public void close() throws IOException {
                    try {
                        onClose.close();
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                }
            };
        }
    }
}
