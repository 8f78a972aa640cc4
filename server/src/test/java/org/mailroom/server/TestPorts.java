package org.mailroom.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;

/**
 * A port that is free now and that must be known before something binds it (a node that another node's
 * configuration names, a port that must stay closed). Taken below Linux's ephemeral range (32768 and up), so
 * that the port-0 listeners the tests start meanwhile cannot be handed the same one.
 */
final class TestPorts {

    private TestPorts() {
    }

    static int freeBelowEphemeralRange() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20000 + random.nextInt(12000);
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (BindException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }
}
