package dev.arrears;

import java.util.Map;

/**
 * The engine's error object as an exception: a stable {@link #code()} ({@code invalid_json},
 * {@code invalid_field}, {@code unknown_field}, {@code out_of_range}, {@code inconsistent},
 * {@code unknown_policy}, {@code policy_invalid}, {@code limit_exceeded}, {@code unknown_engine},
 * {@code internal}), the JSON {@link #path()} of the field at fault (empty for the document as a
 * whole) and a message. {@code internal} is a call the module did not finish (it trapped); the
 * engine starts a fresh instance of the module, so the next call works.
 * {@link #toJson()} gives the object exactly as every arrears surface writes it.
 */
public final class ArrearsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String path;
    private final String json;

    ArrearsException(String code, String path, String message, String json) {
        super(message);
        this.code = code;
        this.path = path;
        this.json = json;
    }

    /** Reads the {@code {"error":{"code","path","message"}}} text the module answers with. */
    static ArrearsException fromJson(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) Json.parse(json)).get("error");
            return new ArrearsException(
                    (String) error.get("code"), (String) error.get("path"), (String) error.get("message"), json);
        } catch (RuntimeException e) {
            return new ArrearsException("invalid_json", "", "unreadable error object: " + json, json);
        }
    }

    /** The stable error code. */
    public String code() {
        return code;
    }

    /** The JSON path of the field at fault; empty for the document as a whole. */
    public String path() {
        return path;
    }

    /** The error object's canonical JSON text, the bytes every arrears surface writes. */
    public String toJson() {
        return json;
    }

    @Override
    public String toString() {
        return "ArrearsException[" + code + (path.isEmpty() ? "" : " at " + path) + "]: " + getMessage();
    }
}
