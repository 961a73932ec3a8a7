package dev.funnel.job.model;

/** One detector's finding within an incident's alert (the Avro Finding's twin). */
public class Finding {
    public String detector;
    public String summary;
    public int pid;
    public double observed;
    public double threshold;
    public String unit;
    public long windowStartNs;
    public long windowEndNs;

    public Finding() {}

    public static Finding of(AlertRecord a) {
        Finding f = new Finding();
        f.detector = a.detector;
        f.summary = a.summary;
        f.pid = a.pid;
        f.observed = a.observed;
        f.threshold = a.threshold;
        f.unit = a.unit;
        f.windowStartNs = a.windowStartNs;
        f.windowEndNs = a.windowEndNs;
        return f;
    }
}
