package io.trendstream.gateway.live;

/**
 * One event of the live stream: {@code id} is {@code <epoch>-<sequence>} (see {@link LiveEventLog}), {@code type}
 * the SSE event name ({@code alert}, {@code window}, {@code reset}), {@code data} its JSON.
 */
public record LiveEvent(String id, String type, String data) {}
