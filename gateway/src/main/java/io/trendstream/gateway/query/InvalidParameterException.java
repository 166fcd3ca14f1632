package io.trendstream.gateway.query;

/** A request parameter that is missing or malformed: answered 400, naming the parameter and what is wrong with it. */
public final class InvalidParameterException extends RuntimeException {

    private final String parameter;

    public InvalidParameterException(String parameter, String problem) {
        super("Invalid parameter '" + parameter + "': " + problem);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
