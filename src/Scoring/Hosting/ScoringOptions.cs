using System.ComponentModel.DataAnnotations;

namespace Mlops.Scoring.Hosting;

/// <summary>App settings <c>Scoring__*</c>. ModelVersion moves with a slot swap; SlotName stays with the slot.</summary>
public sealed class ScoringOptions
{
    public const string Section = "Scoring";

    [Required(AllowEmptyStrings = false)]
    public string ModelName { get; set; } = "";

    /// <summary>A version number or an alias (champion, challenger, ...), resolved once at start.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ModelVersion { get; set; } = "";

    /// <summary>Which slot this instance is (production, staging); reported in health and telemetry.</summary>
    public string SlotName { get; set; } = "production";

    [Range(1, 100_000)]
    public int MaxRowsPerRequest { get; set; } = 1_000;

    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    public BatchingOptions Batching { get; set; } = new();

    public FaultOptions Faults { get; set; } = new();
}

/// <summary>
/// Dynamic micro-batching, as Triton's dynamic batcher: small concurrent requests are scored together in one
/// ONNX Runtime call, which has a fixed cost of several microseconds however few rows it gets.
/// </summary>
public sealed class BatchingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Requests with at most this many rows go through the batcher; larger ones are a batch already.</summary>
    [Range(1, 10_000)]
    public int MaxRowsPerRequest { get; set; } = 8;

    /// <summary>At most this many rows per ONNX Runtime call.</summary>
    [Range(1, 100_000)]
    public int MaxBatchRows { get; set; } = 64;

    /// <summary>How long the first request of a batch may wait for others; 0 takes only what is already queued.</summary>
    [Range(0, 100)]
    public double MaxQueueDelayMilliseconds { get; set; }
}

/// <summary>Off unless configured: makes a share of requests fail or slow down, to exercise rollback for real.</summary>
public sealed class FaultOptions
{
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    [Range(0.0, 1.0)]
    public double DelayRate { get; set; }

    [Range(0, 60_000)]
    public int DelayMilliseconds { get; set; }

    public bool Enabled => FailureRate > 0 || (DelayRate > 0 && DelayMilliseconds > 0);
}

/// <summary>App settings <c>Registry__*</c>: an account URL (managed identity) in Azure, a connection string locally.</summary>
public sealed class RegistryConnectionOptions : IValidatableObject
{
    public const string Section = "Registry";

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Only for Azurite; Azure uses <see cref="BlobServiceUri"/> with DefaultAzureCredential.</summary>
    public string? ConnectionString { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string Container { get; set; } = "models";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((BlobServiceUri is null) == string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Set exactly one of Registry:BlobServiceUri (Azure, managed identity) and Registry:ConnectionString (Azurite).",
                [nameof(BlobServiceUri), nameof(ConnectionString)]);
        }
    }
}
