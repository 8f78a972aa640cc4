package org.mailroom.sieve.run;

import org.mailroom.sieve.SieveEnvironment;
import org.mailroom.sieve.SieveMessage;
import org.mailroom.sieve.SieveOutcome;
import org.mailroom.sieve.SieveScript;
import org.mailroom.sieve.script.Program;

/** A checked program, ready to run; immutable, so one instance serves every delivery at once. */
public final class CompiledScript implements SieveScript {

    private final Program program;

    public CompiledScript(Program program) {
        this.program = program;
    }

    @Override
    public String name() {
        return program.name();
    }

    @Override
    public SieveOutcome run(SieveMessage message, SieveEnvironment environment) {
        return Interpreter.run(program, message, environment);
    }

    public Program program() {
        return program;
    }
}
