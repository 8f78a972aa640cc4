package org.mailroom.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/** Binds a listener to its configured address; a port we may not or cannot use becomes one clear line naming the key. */
final class PortBinding {

    private PortBinding() {
    }

    /** Starts a listener on an address and returns the address it is bound to (the port chosen for port 0). */
    interface Binder {
        InetSocketAddress bind() throws Exception;
    }

    static InetSocketAddress bind(String key, InetSocketAddress address, Binder binder) throws IOException {
        try {
            return binder.bind();
        } catch (Exception e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof BindException)) cause = cause.getCause();
            if (cause == null) throw new IOException(key + ": cannot listen on " + show(address) + ": " + e, e);
            String why = String.valueOf(cause.getMessage());
            String remedy = address.getPort() < 1024 && why.toLowerCase().contains("permission")
                    ? "ports below 1024 need root or CAP_NET_BIND_SERVICE (setcap 'cap_net_bind_service=+ep' on java, "
                      + "or AmbientCapabilities in the systemd unit), or choose another port"
                    : "another program may be using it; stop it or choose another port";
            throw new Server.ListenException(key + ": cannot listen on " + show(address) + " (" + why + "): " + remedy
                    + ", for example --set " + key + "=:" + (address.getPort() < 1024 ? 2000 + address.getPort() : address.getPort() + 1));
        }
    }

    private static String show(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
