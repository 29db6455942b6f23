using System.Diagnostics.Metrics;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Options;
using Mlops.Registry;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Scoring;
using Mlops.Scoring.Telemetry;

namespace Mlops.Scoring.Model;

/// <summary>
/// At start: resolves the configured version, downloads model.onnx with its SHA-256 checked against the manifest,
/// builds one ONNX Runtime session, warms it up, and only then makes the app ready. A missing or tampered model
/// keeps the app not-ready with the reason logged; a storage outage is retried with backoff.
/// </summary>
public sealed partial class ModelLoader(
    ModelRegistry registry,
    IOptions<ScoringOptions> options,
    ModelHost host,
    IMeterFactory meterFactory,
    ILogger<ModelLoader> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                host.SetReady(await LoadAsync(settings, stoppingToken));
                LogReady(logger, settings.ModelName, host.Serving!.Model.Version, settings.SlotName);
                return;
            }
            catch (Exception ex) when (IsPermanent(ex))
            {
                var reason = $"Model {settings.ModelName} '{settings.ModelVersion}' cannot be served: {ex.Message}";
                // Logged before the state settles, so whoever waits on Settled finds the reason in the log too.
                LogCannotServe(logger, ex, reason);
                host.SetNotReady(reason, final: true);
                return;
            }
            catch (RequestFailedException ex)
            {
                host.SetNotReady($"The model registry is unavailable ({ex.Status} {ex.ErrorCode}); retrying.");
                LogRetry(logger, ex, backoff.TotalSeconds);
            }
            catch (HttpRequestException ex)
            {
                host.SetNotReady($"The model registry is unreachable ({ex.Message}); retrying.");
                LogRetry(logger, ex, backoff.TotalSeconds);
            }

            await Task.Delay(backoff, stoppingToken);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    private async Task<ServingModel> LoadAsync(ScoringOptions settings, CancellationToken cancellationToken)
    {
        var artifact = await registry.DownloadModelAsync(settings.ModelName, settings.ModelVersion, cancellationToken);
        var manifest = artifact.Manifest;
        if (!manifest.Candidate.TryGetProperty("signature", out var signatureJson))
        {
            throw new InvalidDataException($"Version {manifest.Version} has no signature in its manifest (candidate.signature).");
        }

        var signature = signatureJson.Deserialize<ModelSignature>(ModelSignature.JsonOptions)
            ?? throw new InvalidDataException("candidate.signature is null.");
        var version = manifest.Version.ToString();
        var model = new OnnxModel(manifest.Model, version, artifact.Content.ToArray(), signature);
        try
        {
            WarmUp(model);
            var metrics = new ScoringMetrics(meterFactory, new ModelIdentity(manifest.Model, version, settings.SlotName, signature));
            var batcher = settings.Batching.Enabled ? new MicroBatcher(model, settings.Batching) : null;
            return new ServingModel(model, batcher, metrics, manifest.RegisteredAt.ToString("O"),
                new ScoreRequestParser(signature, settings.MaxRowsPerRequest));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Runs single-row and batch inference once, so the first real request pays no first-call costs.</summary>
    private static void WarmUp(OnnxModel model)
    {
        foreach (var rows in new[] { 1, 64 })
        {
            var columns = new FeatureColumns(model.Signature, rows) { Count = rows };
            for (var f = 0; f < model.Signature.Features.Count; f++)
            {
                var feature = model.Signature.Features[f];
                switch (feature.Type)
                {
                    case FeatureType.Categorical:
                        var known = model.Signature.Telemetry.Categories.GetValueOrDefault(feature.Name) is { Length: > 0 } c ? c[0] : "warm-up";
                        Array.Fill(columns.Text(f), known);
                        break;
                    case FeatureType.DateTime:
                        Array.Fill(columns.Dates(f), new DateTime(2001, 1, 1, 12, 0, 0, DateTimeKind.Unspecified));
                        break;
                    default:
                        Array.Fill(columns.Numeric(f), 1f);
                        break;
                }
            }

            var scored = model.Score(columns);
            if (scored.Values.Length != rows || scored.Values.Any(v => !float.IsFinite(v)))
            {
                throw new InvalidDataException($"Warm-up scoring of {rows} rows returned {scored.Values.Length} values, or values that are not finite.");
            }
        }
    }

    private static bool IsPermanent(Exception ex) => ex is RegistryException or InvalidDataException or JsonException
        or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ArgumentException;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving model {Model} version {Version} in slot {Slot}.")]
    private static partial void LogReady(ILogger logger, string model, string version, string slot);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogCannotServe(ILogger logger, Exception exception, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Loading the model failed; retrying in {Seconds} s.")]
    private static partial void LogRetry(ILogger logger, Exception exception, double seconds);
}
