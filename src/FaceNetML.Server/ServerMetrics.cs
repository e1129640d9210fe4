using Prometheus;

namespace FaceNetML.Server;

/// <summary>The service's own Prometheus metrics (beside prometheus-net's HTTP request metrics and process metrics).</summary>
public static class ServerMetrics
{
    public static readonly Histogram Inference = Metrics.CreateHistogram("facenetml_inference_seconds",
        "Time spent decoding, detecting and embedding per request, by endpoint",
        new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });

    public static readonly Counter Errors = Metrics.CreateCounter("facenetml_errors_total",
        "Requests answered with an error, by status", new CounterConfiguration { LabelNames = ["status"] });

    public static readonly Gauge Waiting = Metrics.CreateGauge("facenetml_inference_waiting", "Requests waiting for an inference slot");

    public static readonly Gauge People = Metrics.CreateGauge("facenetml_gallery_people", "People enrolled in the gallery");

    public static readonly Gauge VideoJobs = Metrics.CreateGauge("facenetml_video_jobs", "Video jobs the server keeps, by status",
        new GaugeConfiguration { LabelNames = ["status"] });

    public static readonly Counter VideoFrames = Metrics.CreateCounter("facenetml_video_frames_total", "Video frames processed by video jobs");
}
