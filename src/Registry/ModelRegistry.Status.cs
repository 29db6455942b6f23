using System.Text.Json;
using Azure;

namespace Mlops.Registry;

public partial class ModelRegistry
{
    /// <summary>
    /// Allowed moves: registered → deployed | rejected | retired; deployed → rejected (e.g. rolled back) |
    /// retired; rejected → retired; retired is final. Nothing goes back to registered.
    /// </summary>
    public static bool IsAllowedTransition(VersionStatus from, VersionStatus to) => (from, to) switch
    {
        (VersionStatus.Registered, VersionStatus.Deployed or VersionStatus.Rejected or VersionStatus.Retired) => true,
        (VersionStatus.Deployed, VersionStatus.Rejected or VersionStatus.Retired) => true,
        (VersionStatus.Rejected, VersionStatus.Retired) => true,
        _ => false,
    };

    /// <summary>The status of a registered version (registered if none was ever set).</summary>
    public virtual async Task<VersionStatusRecord> GetStatusAsync(string model, int version, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        RegistryNames.ValidateVersion(version);
        await EnsureRegisteredAsync(model, version, cancellationToken);
        var (record, _) = await ReadJsonAsync<VersionStatusRecord>(RegistryPaths.Status(model, version), cancellationToken);
        return record ?? new VersionStatusRecord(model, version, VersionStatus.Registered);
    }

    /// <summary>
    /// Changes a version's status. Kept in <c>status.json</c> beside the manifest, which is never rewritten;
    /// written with If-Match (If-None-Match: * the first time), so concurrent changes cannot both win. The
    /// status is copied into the blob's metadata so that listing versions needs no extra reads.
    /// </summary>
    /// <exception cref="RegistryConflictException">Transition not allowed, or the status changed meanwhile.</exception>
    public virtual async Task<VersionStatusRecord> SetStatusAsync(
        string model, int version, VersionStatus status, string actor, string? reason = null, JsonElement? evidence = null, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        RegistryNames.ValidateVersion(version);
        RegistryNames.ValidateActor(actor);
        RegistryNames.ValidateReason(reason);
        if (status == VersionStatus.Rejected && string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException($"Rejecting version {version} of model '{model}' needs a reason.", nameof(reason));
        }

        await EnsureRegisteredAsync(model, version, cancellationToken);
        var (current, etag) = await ReadJsonAsync<VersionStatusRecord>(RegistryPaths.Status(model, version), cancellationToken);
        var from = current?.Status ?? VersionStatus.Registered;
        if (!IsAllowedTransition(from, status))
        {
            throw new RegistryConflictException(
                $"Version {version} of model '{model}' is {Name(from)}; it cannot become {Name(status)}.", model, version);
        }

        var record = new VersionStatusRecord(model, version, status, reason, evidence?.Clone(), _time.GetUtcNow(), actor);
        try
        {
            await _container.GetBlobClient(RegistryPaths.Status(model, version))
                .UploadAsync(BinaryData.FromObjectAsJson(record, RegistryJson.Options), Replace(etag, new Dictionary<string, string> { ["status"] = Name(status) }), cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConditionFailure(ex))
        {
            throw new RegistryConflictException(
                $"The status of version {version} of model '{model}' changed while it was being set to {Name(status)}; re-read and decide again.", model, version, null, ex);
        }

        await AppendAuditAsync(new AuditEntry(record.UpdatedAt!.Value, actor, AuditActions.Status, model, version, null, Name(from), Name(status), reason), cancellationToken);
        return record;
    }

    private static string Name(VersionStatus status) => status.ToString().ToLowerInvariant();

    private async Task EnsureRegisteredAsync(string model, int version, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(RegistryPaths.Manifest(model, version), cancellationToken))
        {
            throw new RegistryNotFoundException($"Model '{model}' has no version {version}.", model, version);
        }
    }
}
