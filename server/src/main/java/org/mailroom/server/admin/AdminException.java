package org.mailroom.server.admin;

/** A refusal of an admin command, with the one line shown to the operator (after "mailroom: "). */
final class AdminException extends Exception {

    AdminException(String message) {
        super(message);
    }
}
