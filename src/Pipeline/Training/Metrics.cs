namespace Mlops.Pipeline.Training;

/// <summary>The metric names specs and gates use, and which way is better for each.</summary>
public static class MetricNames
{
    public const string Auc = "auc";
    public const string Accuracy = "accuracy";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string F1 = "f1";
    public const string LogLoss = "logLoss";

    /// <summary>Expected calibration error: |mean predicted − observed rate| per probability decile, weighted by rows.</summary>
    public const string CalibrationError = "calibrationError";
    public const string Rmse = "rmse";
    public const string Mae = "mae";
    public const string RSquared = "rSquared";

    public static IReadOnlyList<string> For(TrainingTask task) => task == TrainingTask.BinaryClassification
        ? [Auc, Accuracy, Precision, Recall, F1, LogLoss, CalibrationError]
        : [Rmse, Mae, RSquared];

    public static bool GreaterIsBetter(string metric) => metric is not (LogLoss or CalibrationError or Rmse or Mae);
}
