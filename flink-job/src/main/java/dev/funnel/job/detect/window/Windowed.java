package dev.funnel.job.detect.window;

/** What a window's result carries about the window: its key and its bounds (event time, ms). */
public interface Windowed {
    void window(String key, long startMs, long endMs);
}
