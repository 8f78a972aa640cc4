package org.mailroom.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;
import org.mailroom.storage.contract.MailStoreContract;
import org.mailroom.storage.contract.StorageBackend;

class EmbeddedMailStoreTest extends MailStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected StorageBackend openBackend() throws Exception {
        return EmbeddedBackend.open(dataDir);
    }

    @Override
    protected StorageBackend openKeepingExpunged(int kept) throws Exception {
        return EmbeddedBackend.open(dataDir, EmbeddedBlobStore.DEFAULT_INLINE_MAX, kept);
    }

    @Test
    void databaseIsInWalModeAtTheLatestSchemaVersion() throws Exception {
        open();
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("mailroom.db"));
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                assertThat(rs.getInt(1)).isEqualTo(Schema.STEPS.size());
            }
        }
    }

    @Test
    void manyDeliveriesInOneBatchAreOneCommit() throws Exception {
        EmbeddedBackend backend = (EmbeddedBackend) open();
        MailStore store = backend.mailStore();
        String blob = writeBlob(backend.blobStore(), "x");
        backend.storage.database().write(tx -> null); // the blob's row may commit alone: not counted below
        long before = backend.storage.commits();
        // One deliver to 50 targets is one piece of work: one transaction, one fsync.
        List<MailStore.Target> targets = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> MailStore.Target.inbox("user" + i + "@example.test")).toList();
        assertThat(store.deliver(new MailStore.NewMessage(blob, 1, Instant.now()), targets)).hasSize(50);
        assertThat(backend.storage.commits() - before).isEqualTo(1);
    }

    @Test
    void blobsDeliveredBeforeStructuresWereKeptAreParsedOnFirstUseAndThenStored() throws Exception {
        EmbeddedBackend backend = (EmbeddedBackend) open();
        MailStore store = backend.mailStore();
        String blob = writeBlob(backend.blobStore(), "Subject: old\r\n\r\nbody\r\n");
        store.deliver(new MailStore.NewMessage(blob, 23, Instant.now()), List.of(MailStore.Target.inbox("a@example.test")));
        backend.storage.database().write(tx -> tx.sql().update("DELETE FROM blob_structure"));

        assertThat(store.structure(blob).orElseThrow().headers().subject()).isEqualTo("old");

        // Stored without making the reader wait for the commit.
        org.awaitility.Awaitility.await().until(() -> backend.storage.database().<Long>read(sql ->
                sql.queryLong("SELECT count(*) FROM blob_structure WHERE blob_id = ?", blob).orElseThrow()) == 1L);
    }
}
