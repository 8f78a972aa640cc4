package org.mailroom.core.mime;

/**
 * A mailbox from an address header, for SEARCH, SORT and display: the name with RFC 2047 words decoded,
 * group syntax flattened away. {@code host} is empty when the header gave none.
 */
public record Address(String name, String mailbox, String host) {

    /** {@code mailbox@host}, or the mailbox alone without a host. */
    public String address() {
        return host.isEmpty() ? mailbox : mailbox + "@" + host;
    }
}
