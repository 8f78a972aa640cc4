package org.mailroom.protocol.imap;

import java.io.IOException;
import java.util.Optional;

/**
 * The seam for logins (LOGIN, AUTHENTICATE PLAIN): checks a user name and password and gives the canonical
 * account. Today {@code directory::authenticate}; the shared SASL component can take its place.
 */
public interface PasswordCheck {

    Optional<String> authenticate(String login, char[] password) throws IOException;
}
