package dev.arrears;

import java.util.Objects;

/**
 * One case's answer in {@link Engine#decideMany(java.util.List)}: its decision, or the
 * {@link ArrearsException} that {@link Engine#decide(String)} would have thrown for it, returned
 * rather than thrown so that a bad case never fails the batch.
 *
 * <p>The module marks each answer as a decision or an error before any text is read, so a caller
 * branches on {@link #isError()} and never on the first bytes of the text.
 *
 * <pre>{@code
 * for (Result r : engine.decideMany(cases)) {
 *     if (r.isError()) {
 *         log(r.error().code(), r.error().path());
 *     } else {
 *         store(r.decision());
 *     }
 * }
 * }</pre>
 */
public final class Result {
    private final String decision;
    private final ArrearsException error;

    private Result(String decision, ArrearsException error) {
        this.decision = decision;
        this.error = error;
    }

    static Result decided(String decision) {
        return new Result(Objects.requireNonNull(decision), null);
    }

    static Result failed(ArrearsException error) {
        return new Result(null, Objects.requireNonNull(error));
    }

    /** Whether the engine refused this case; {@link #error()} says why. */
    public boolean isError() {
        return error != null;
    }

    /**
     * The decision's JSON text.
     *
     * @throws ArrearsException the case's error, when the engine refused it
     */
    public String decision() {
        if (error != null) {
            throw error;
        }
        return decision;
    }

    /** The case's error, or {@code null} when it was decided. */
    public ArrearsException error() {
        return error;
    }

    /**
     * The answer's text as every arrears surface writes it: the decision, or the error object
     * ({@link ArrearsException#toJson()}).
     */
    public String json() {
        return error != null ? error.toJson() : decision;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Result r && isError() == r.isError() && json().equals(r.json());
    }

    @Override
    public int hashCode() {
        return Objects.hash(isError(), json());
    }

    @Override
    public String toString() {
        return error != null ? error.toString() : "Result[decision]";
    }
}
