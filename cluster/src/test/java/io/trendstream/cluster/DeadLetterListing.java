package io.trendstream.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The committed dead letters as {@code bin/pipeline dlq} lists them (one line each: reason, source topic-partition@offset,
 * payload size, detail): how many per reason, and the source records listed more than once.
 */
record DeadLetterListing(int total, Map<String, Long> byReason, List<String> listedTwice) {

    private static final Pattern LETTER =
            Pattern.compile("^\\S+-\\d+@\\d+  (\\S+)  from (\\S+-\\d+@\\d+)  payload ", Pattern.MULTILINE);
    private static final Pattern SHOWN = Pattern.compile("(\\d+) dead letter\\(s\\) shown");

    static DeadLetterListing parse(String output) {
        Matcher shown = SHOWN.matcher(output);
        if (!shown.find()) {
            throw new AssertionError("bin/pipeline dlq printed no summary:\n" + output);
        }
        Map<String, Long> byReason = new TreeMap<>();
        Set<String> sources = new HashSet<>();
        List<String> twice = new ArrayList<>();
        Matcher letter = LETTER.matcher(output);
        int lines = 0;
        while (letter.find()) {
            lines++;
            byReason.merge(letter.group(1), 1L, Long::sum);
            if (!sources.add(letter.group(2))) {
                twice.add(letter.group(2) + " (" + letter.group(1) + ")");
            }
        }
        int total = Integer.parseInt(shown.group(1));
        if (lines != total) {
            throw new AssertionError("bin/pipeline dlq says " + total + " shown, but " + lines + " lines parse:\n" + output);
        }
        return new DeadLetterListing(total, byReason, twice);
    }
}
