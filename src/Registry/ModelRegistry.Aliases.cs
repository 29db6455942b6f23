using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Mlops.Registry;

public partial class ModelRegistry
{
    /// <summary>Where an alias points, or null if it does not exist.</summary>
    public virtual async Task<AliasState?> GetAliasAsync(string model, string aliasName, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        RegistryNames.ValidateAlias(aliasName, nameof(aliasName));
        return (await ReadAliasAsync(model, aliasName, cancellationToken)).State;
    }

    /// <summary>Every alias of a model.</summary>
    public virtual async Task<IReadOnlyList<AliasState>> ListAliasesAsync(string model, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        var names = new List<string>();
        var options = new GetBlobsOptions { Traits = BlobTraits.None, States = BlobStates.None, Prefix = RegistryPaths.AliasesPrefix(model) };
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(options, cancellationToken))
            {
                var name = blob.Name[options.Prefix.Length..];
                if (name.EndsWith(".json", StringComparison.Ordinal) && RegistryNames.IsValidAlias(name[..^5]))
                {
                    names.Add(name[..^5]);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }

        var aliases = new List<AliasState>(names.Count);
        foreach (var name in names)
        {
            if ((await ReadAliasAsync(model, name, cancellationToken)).State is { } state)
            {
                aliases.Add(state);
            }
        }

        return aliases;
    }

    /// <summary>
    /// Compare-and-swap: points <paramref name="aliasName"/> at <paramref name="version"/> only if it points at
    /// <paramref name="expectedVersion"/> now (null: only if the alias does not exist yet). The write carries
    /// If-Match with the ETag read, so of two callers expecting the same version exactly one wins.
    /// </summary>
    /// <exception cref="RegistryConflictException">The alias is not at the expected version, or moved meanwhile.</exception>
    /// <exception cref="RegistryNotFoundException">The target version is not registered.</exception>
    public virtual async Task<AliasState> SetAliasAsync(
        string model, string aliasName, int version, int? expectedVersion, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        RegistryNames.ValidateAlias(aliasName, nameof(aliasName));
        RegistryNames.ValidateVersion(version);
        RegistryNames.ValidateActor(actor);
        RegistryNames.ValidateReason(reason);
        await EnsureAliasTargetAsync(model, aliasName, version, cancellationToken);

        var (current, etag) = await ReadAliasAsync(model, aliasName, cancellationToken);
        CheckExpected(model, aliasName, current, expectedVersion);
        return await WriteAliasAsync(model, aliasName, version, current, etag, actor, reason, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="version"/> the champion if the champion is <paramref name="expectedChampion"/>
    /// now (null: there is no champion yet), and points <c>previous</c> at the old champion. Repeating a
    /// promotion that already happened returns the current state (activities may run twice).
    /// </summary>
    public virtual async Task<PromotionResult> PromoteAsync(
        string model, int version, int? expectedChampion, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        RegistryNames.ValidateVersion(version);
        RegistryNames.ValidateActor(actor);
        RegistryNames.ValidateReason(reason);
        await EnsureAliasTargetAsync(model, RegistryNames.Champion, version, cancellationToken);

        var (champion, championETag) = await ReadAliasAsync(model, RegistryNames.Champion, cancellationToken);
        var (previous, previousETag) = await ReadAliasAsync(model, RegistryNames.Previous, cancellationToken);
        if (champion?.Version == version && previous?.Version == expectedChampion)
        {
            return new PromotionResult(champion, previous);
        }

        CheckExpected(model, RegistryNames.Champion, champion, expectedChampion);

        // Order: previous first, champion second. Scoring reads only champion; a rollback reads previous and
        // moves champion back to it. After the first write and before the second, champion and previous both
        // name the version that is live: scoring keeps serving it, and a rollback acting then is a no-op, not a
        // jump to the version before. The other order would leave champion = new with previous = the version
        // two back, and a rollback in that window (or after a crash there) would restore the wrong model.
        // If the champion write then loses its If-Match race, previous already names the version the winner
        // replaced too (both expected the same champion), so the pair stays consistent.
        if (champion is not null && previous?.Version != champion.Version)
        {
            previous = await WriteAliasAsync(model, RegistryNames.Previous, champion.Version, previous, previousETag, actor, reason, cancellationToken);
        }

        var newChampion = await WriteAliasAsync(model, RegistryNames.Champion, version, champion, championETag, actor, reason, cancellationToken);
        return new PromotionResult(newChampion, previous);
    }

    private async Task EnsureAliasTargetAsync(string model, string alias, int version, CancellationToken cancellationToken)
    {
        var status = await GetStatusAsync(model, version, cancellationToken);
        if (status.Status is VersionStatus.Rejected or VersionStatus.Retired)
        {
            throw new RegistryConflictException(
                $"Version {version} of model '{model}' is {status.Status.ToString().ToLowerInvariant()}; alias '{alias}' cannot point at it.", model, version, alias);
        }
    }

    private static void CheckExpected(string model, string alias, AliasState? current, int? expectedVersion)
    {
        if (current?.Version == expectedVersion)
        {
            return;
        }

        var now = current is null ? "does not exist" : $"points at version {current.Version}";
        var expected = expectedVersion is null ? "not to exist" : $"to point at version {expectedVersion}";
        throw new RegistryConflictException(
            $"Alias '{alias}' of model '{model}' {now}; expected it {expected}. Someone else moved it: re-read and decide again.",
            model, current?.Version, alias);
    }

    private async Task<(AliasState? State, ETag? ETag)> ReadAliasAsync(string model, string alias, CancellationToken cancellationToken) =>
        await ReadJsonAsync<AliasState>(RegistryPaths.Alias(model, alias), cancellationToken);

    private async Task<AliasState> WriteAliasAsync(
        string model, string alias, int version, AliasState? current, ETag? etag, string actor, string? reason, CancellationToken cancellationToken)
    {
        var state = new AliasState(model, alias, version, _time.GetUtcNow(), actor, reason);
        try
        {
            await _container.GetBlobClient(RegistryPaths.Alias(model, alias))
                .UploadAsync(BinaryData.FromObjectAsJson(state, RegistryJson.Options), Replace(etag), cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConditionFailure(ex))
        {
            var was = current is null ? "did not exist" : $"pointed at version {current.Version}";
            throw new RegistryConflictException(
                $"Alias '{alias}' of model '{model}' was moved by someone else while it {was}; it was not set to version {version}. Re-read and decide again.",
                model, version, alias, ex);
        }

        await AppendAuditAsync(
            new AuditEntry(state.UpdatedAt, actor, AuditActions.Alias, model, version, alias,
                current?.Version.ToString(CultureInfo.InvariantCulture), version.ToString(CultureInfo.InvariantCulture), reason),
            cancellationToken);
        return state;
    }
}
