package org.mailroom.sieve;

import java.util.List;
import java.util.Objects;

/**
 * What a run of a script decided: the actions to carry out, in the order the script gave them, with the implicit
 * keep already added as a {@link SieveAction.Keep} when it applies (RFC 5228 section 2.10.2), so that the delivery
 * side never has to reason about it.
 *
 * @param actions      what to do with the message; empty only when the script discarded it
 * @param headerEdits  the editheader changes (RFC 5293) to apply, in order, to every copy that is kept, filed or
 *                     redirected (not to a vacation reply, and not to the message used for tests after them: the
 *                     interpreter already took them into account)
 * @param error        null, or the runtime error that ended the run (then the actions are the implicit keep, plus
 *                     whatever was decided before the error that cannot be undone: none of them is carried out
 *                     by the interpreter, so the delivery side chooses; it keeps the message)
 */
public record SieveOutcome(List<SieveAction> actions, List<HeaderEdit> headerEdits, String error) {

    public SieveOutcome {
        actions = List.copyOf(actions);
        headerEdits = List.copyOf(headerEdits);
    }

    /** The outcome of a run that failed at run time: keep the message, say why. */
    public static SieveOutcome failed(String error) {
        return new SieveOutcome(List.of(new SieveAction.Keep(java.util.Set.of())), List.of(), Objects.requireNonNull(error));
    }

    /**
     * One editheader change.
     *
     * @param add    true for addheader, false for deleteheader
     * @param name   the field name
     * @param value  addheader: the value to add (unfolded, not encoded); deleteheader: null
     * @param last   addheader :last (append after the other fields) instead of in front
     * @param index  deleteheader :index (1-based, counted from the end when {@code fromEnd}); 0 for every occurrence
     * @param fromEnd deleteheader :last
     * @param matchValues deleteheader value patterns already resolved: the exact field values (unfolded, as in the
     *               message) to delete; empty means every occurrence of the field (subject to index)
     */
    public record HeaderEdit(boolean add, String name, String value, boolean last, int index, boolean fromEnd,
                             List<String> matchValues) {
        public HeaderEdit {
            matchValues = List.copyOf(matchValues);
        }
    }
}
