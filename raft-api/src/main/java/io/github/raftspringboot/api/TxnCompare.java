package io.github.raftspringboot.api;

/**
 * One condition of a {@link Txn}, checked against the store as the transaction is applied. A missing key has
 * version, createRevision and modRevision 0 and no value (a value compare {@link Operator#EQUAL} is false for it,
 * {@link Operator#NOT_EQUAL} true).
 *
 * @param key      the key to look at
 * @param target   what of the key is compared
 * @param operator how it is compared; {@link Target#VALUE} takes {@link Operator#EQUAL} or {@link Operator#NOT_EQUAL}
 * @param operand  the value to compare with: any JSON-writable object for {@link Target#VALUE}, a {@link Number}
 *                 for the others
 */
public record TxnCompare(String key, Target target, Operator operator, Object operand) {

    /** What of a key a compare looks at. */
    public enum Target {
        /** The JSON value (equality of JSON trees, decimals compared exactly). */
        VALUE,
        /** The number of writes since creation; 0 when the key is missing. */
        VERSION,
        /** The revision that created the key; 0 when missing. */
        CREATE_REVISION,
        /** The revision of the key's last write; 0 when missing. */
        MOD_REVISION
    }

    /** How the key's side compares with the operand. */
    public enum Operator {
        EQUAL,
        NOT_EQUAL,
        LESS,
        GREATER
    }

    /** True when {@code key}'s value equals {@code value}. */
    public static TxnCompare valueEquals(String key, Object value) {
        return new TxnCompare(key, Target.VALUE, Operator.EQUAL, value);
    }

    /** True when {@code key}'s version compares to {@code version} as {@code operator} says. */
    public static TxnCompare version(String key, Operator operator, long version) {
        return new TxnCompare(key, Target.VERSION, operator, version);
    }

    /** True when {@code key}'s modRevision compares to {@code revision} as {@code operator} says. */
    public static TxnCompare modRevision(String key, Operator operator, long revision) {
        return new TxnCompare(key, Target.MOD_REVISION, operator, revision);
    }

    /** True when {@code key}'s createRevision compares to {@code revision} as {@code operator} says. */
    public static TxnCompare createRevision(String key, Operator operator, long revision) {
        return new TxnCompare(key, Target.CREATE_REVISION, operator, revision);
    }

    /** True when {@code key} exists (version greater than 0). */
    public static TxnCompare exists(String key) {
        return version(key, Operator.GREATER, 0);
    }

    /** True when {@code key} does not exist (version 0). */
    public static TxnCompare absent(String key) {
        return version(key, Operator.EQUAL, 0);
    }
}
