using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Mlops.Registry;

public partial class ModelRegistry
{
    /// <summary>
    /// Every registration, alias move and status change of a model, oldest month first and in append order
    /// within a month.
    /// </summary>
    public virtual async Task<IReadOnlyList<AuditEntry>> GetHistoryAsync(string model, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        var logs = new List<string>();
        var options = new GetBlobsOptions { Traits = BlobTraits.None, States = BlobStates.None, Prefix = RegistryPaths.AuditPrefix(model) };
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(options, cancellationToken))
            {
                logs.Add(blob.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }

        var entries = new List<AuditEntry>();
        foreach (var log in logs.Order(StringComparer.Ordinal))
        {
            var content = (await _container.GetBlobClient(log).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
            foreach (var line in content.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    if (JsonSerializer.Deserialize<AuditEntry>(line, RegistryJson.Options) is { } entry)
                    {
                        entries.Add(entry);
                    }
                }
                catch (JsonException ex)
                {
                    throw new ModelIntegrityException($"Audit log {log} of model '{model}' has a line that is not an audit entry: {ex.Message}", model, null, null, ex);
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// One JSON line appended to <c>{model}/audit/{yyyy-MM}.log</c>. An append block is atomic, so lines of
    /// concurrent writers never interleave. The log of a month is created on its first entry.
    /// </summary>
    private async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var log = _container.GetAppendBlobClient(RegistryPaths.Audit(entry.Model, entry.Time));
        var line = BinaryData.FromString(JsonSerializer.Serialize(entry, RegistryJson.Options) + "\n");
        try
        {
            await log.AppendBlockAsync(line.ToStream(), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await log.CreateIfNotExistsAsync(new AppendBlobCreateOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" } }, cancellationToken);
            await log.AppendBlockAsync(line.ToStream(), cancellationToken: cancellationToken);
        }
    }
}
