package io.trendstream.functions;

import io.trendstream.records.DeadLetterReason;

/** Why an event was refused: a reason code for machines and a sentence for people. */
public record Rejection(DeadLetterReason reason, String detail) {}
