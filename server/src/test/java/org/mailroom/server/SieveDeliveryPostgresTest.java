package org.mailroom.server;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailroom.storage.postgres.TestPostgres;

/** Every case of {@link SieveDeliveryEndToEndTest} with node A (the one running the scripts) on PostgreSQL. */
class SieveDeliveryPostgresTest extends SieveDeliveryEndToEndTest {

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @Override
    Map<String, String> storeOfA() {
        return PostgresTwoNodesTest.postgresqlStore(postgres.url());
    }
}
