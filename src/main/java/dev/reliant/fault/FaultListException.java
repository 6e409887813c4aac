package dev.reliant.fault;

/**
 * A fault list that cannot be used: malformed CSV, a missing column, a fault that does not
 * address a value of the model. The message is one line saying where, in the form {@code file
 * faults.csv: line 7, field 'Bit': 'x' is not an integer} (line = the 1-based line of the CSV
 * record; field = the column name), so the command line can print it as it is.
 */
public class FaultListException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public FaultListException(String message) {
        super(message);
    }

    /** {@code file SOURCE: line LINE, field 'FIELD': WHAT} (the field part left out when null). */
    static FaultListException at(String source, long line, String field, String what) {
        return new FaultListException("file " + source + ": line " + line
                + (field == null ? "" : ", field '" + field + "'") + ": " + what);
    }
}
