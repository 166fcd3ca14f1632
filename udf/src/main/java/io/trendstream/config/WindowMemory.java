package io.trendstream.config;

import java.io.Serializable;

/**
 * How much of the windows' activity the job holds on the heap, and where it goes beyond that. None of it changes a
 * result: each bound trades heap for network records or state accesses (defaults and meanings: {@link PipelineOptions}).
 *
 * @param bundleSize activities a source subtask holds, over all products and windows, before it sends them on
 *     ({@code window.bundle-size})
 * @param foldAfter activities a window holds as encoded bundles before it folds them into a sorted run of its
 *     distinct events and users ({@code window.fold-after}; 0: every bundle at once): the heap a firing needs
 * @param heldActivities activities of open windows a window subtask holds on the heap between checkpoints before it
 *     writes them to the state backend early ({@code window.held-activities})
 * @param heldWindows open windows whose counts a window subtask holds on the heap between checkpoints
 *     ({@code window.held-windows})
 */
public record WindowMemory(int bundleSize, int foldAfter, long heldActivities, int heldWindows) implements Serializable {

    public WindowMemory {
        atLeast("bundleSize", bundleSize, 1);
        atLeast("foldAfter", foldAfter, 0);
        atLeast("heldActivities", heldActivities, 1);
        atLeast("heldWindows", heldWindows, 1);
    }

    public static WindowMemory defaults() {
        return new WindowMemory(
                PipelineOptions.BUNDLE_SIZE.defaultValue(),
                PipelineOptions.FOLD_AFTER.defaultValue(),
                PipelineOptions.HELD_ACTIVITIES.defaultValue(),
                PipelineOptions.HELD_WINDOWS.defaultValue());
    }

    private static void atLeast(String name, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(name + " must be at least " + least + ", was " + value);
        }
    }
}
