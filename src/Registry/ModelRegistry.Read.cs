using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Mlops.Registry;

public partial class ModelRegistry
{
    /// <summary>The manifest of a registered version.</summary>
    /// <exception cref="RegistryNotFoundException">No manifest: never registered, or a registration that did not finish.</exception>
    /// <exception cref="ModelIntegrityException">The manifest names another model or version.</exception>
    public virtual async Task<ModelManifest> GetManifestAsync(string model, int version, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        RegistryNames.ValidateVersion(version);
        ModelManifest? manifest;
        try
        {
            (manifest, _) = await ReadJsonAsync<ModelManifest>(RegistryPaths.Manifest(model, version), cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new ModelIntegrityException($"The manifest of version {version} of model '{model}' is not valid JSON: {ex.Message}", model, version, null, ex);
        }

        if (manifest is null)
        {
            throw new RegistryNotFoundException($"Model '{model}' has no version {version}.", model, version);
        }

        if (manifest.Model != model || manifest.Version != version)
        {
            throw new ModelIntegrityException(
                $"The manifest at version {version} of model '{model}' describes version {manifest.Version} of '{manifest.Model}'.", model, version);
        }

        return manifest;
    }

    /// <summary>
    /// The version a reference means: a version number ("7"), <c>latest</c> (the highest registered version)
    /// or an alias ("champion").
    /// </summary>
    public virtual async Task<int> ResolveVersionAsync(string model, string reference, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (reference.All(char.IsAsciiDigit))
        {
            return int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new ArgumentException($"Version '{reference}' of model '{model}' is not a valid version number.", nameof(reference));
        }

        if (reference == RegistryNames.Latest)
        {
            var versions = await ListRegisteredVersionsAsync(model, cancellationToken);
            return versions.Count > 0
                ? versions.Keys.Max()
                : throw new RegistryNotFoundException($"Model '{model}' has no registered version.", model);
        }

        RegistryNames.ValidateAlias(reference, nameof(reference));
        var alias = await GetAliasAsync(model, reference, cancellationToken);
        return alias?.Version ?? throw new RegistryNotFoundException($"Model '{model}' has no alias '{reference}'.", model, null, reference);
    }

    /// <summary>The manifest of the version a reference (number, <c>latest</c> or alias) means.</summary>
    public virtual async Task<ModelManifest> ResolveAsync(string model, string reference, CancellationToken cancellationToken = default)
    {
        var version = await ResolveVersionAsync(model, reference, cancellationToken);
        return await GetManifestAsync(model, version, cancellationToken);
    }

    /// <summary>What scoring loads: the version's <c>model.onnx</c>, checked against the manifest.</summary>
    /// <exception cref="ModelIntegrityException">Size or SHA-256 differ from the manifest, or the blob is gone.</exception>
    public virtual async Task<VerifiedArtifact> DownloadModelAsync(string model, string reference, CancellationToken cancellationToken = default)
    {
        var manifest = await ResolveAsync(model, reference, cancellationToken);
        return await DownloadArtifactAsync(manifest, CandidatePackage.OnnxFile, cancellationToken);
    }

    /// <summary>Any artifact of a registered version, checked against the manifest.</summary>
    public virtual async Task<VerifiedArtifact> DownloadArtifactAsync(string model, int version, string name, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateArtifactName(name);
        var manifest = await GetManifestAsync(model, version, cancellationToken);
        return await DownloadArtifactAsync(manifest, name, cancellationToken);
    }

    private async Task<VerifiedArtifact> DownloadArtifactAsync(ModelManifest manifest, string name, CancellationToken cancellationToken)
    {
        var (model, version) = (manifest.Model, manifest.Version);
        var entry = manifest.FindArtifact(name)
            ?? throw new RegistryNotFoundException($"Version {version} of model '{model}' has no artifact {name}.", model, version);
        BinaryData content;
        try
        {
            content = (await _container.GetBlobClient(RegistryPaths.Artifact(model, version, name)).DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException ex) when (IsNotFound(ex))
        {
            throw new ModelIntegrityException($"Artifact {name} of version {version} of model '{model}' is listed in the manifest but missing from storage.", model, version, null, ex);
        }

        var bytes = content.ToMemory();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        if (bytes.Length != entry.Bytes || !string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelIntegrityException(
                $"Artifact {name} of version {version} of model '{model}' does not match its manifest: expected {entry.Bytes} bytes with SHA-256 {entry.Sha256}, read {bytes.Length} bytes with SHA-256 {sha256}. Refusing to use it.",
                model, version);
        }

        return new VerifiedArtifact(manifest, entry, content);
    }

    /// <summary>Models in the registry (top-level folders with a valid model name).</summary>
    public virtual async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<string>();
        try
        {
            var options = new GetBlobsByHierarchyOptions { Traits = BlobTraits.None, States = BlobStates.None, Delimiter = "/", Prefix = "" };
            await foreach (var item in _container.GetBlobsByHierarchyAsync(options, cancellationToken))
            {
                if (item.IsPrefix && RegistryNames.IsValidModel(item.Prefix.TrimEnd('/')))
                {
                    models.Add(item.Prefix.TrimEnd('/'));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }

        return models;
    }

    /// <summary>Registered versions (those with a manifest), oldest first, with status and aliases. One listing plus the alias blobs.</summary>
    public virtual async Task<IReadOnlyList<ModelVersionSummary>> ListVersionsAsync(string model, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateModel(model);
        var versions = await ListRegisteredVersionsAsync(model, cancellationToken);
        var aliases = await ListAliasesAsync(model, cancellationToken);
        return versions.Values
            .OrderBy(v => v.Version)
            .Select(v => v with { Aliases = [.. aliases.Where(a => a.Version == v.Version).Select(a => a.Alias).Order(StringComparer.Ordinal)] })
            .ToList();
    }

    private async Task<Dictionary<int, ModelVersionSummary>> ListRegisteredVersionsAsync(string model, CancellationToken cancellationToken)
    {
        var manifests = new Dictionary<int, ModelVersionSummary>();
        var statuses = new Dictionary<int, VersionStatus>();
        var options = new GetBlobsOptions { Traits = BlobTraits.Metadata, States = BlobStates.None, Prefix = RegistryPaths.VersionsPrefix(model) };
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(options, cancellationToken))
            {
                if (!RegistryPaths.TryParseVersionBlob(model, blob.Name, out var version, out var file))
                {
                    continue;
                }

                if (file == RegistryNames.ManifestFile)
                {
                    var registeredAt = blob.Metadata.TryGetValue("registeredat", out var at)
                        && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
                        ? parsed
                        : blob.Properties.CreatedOn ?? default;
                    var registeredBy = blob.Metadata.TryGetValue("registeredby", out var by) ? Uri.UnescapeDataString(by) : "";
                    manifests[version] = new ModelVersionSummary(model, version, registeredAt, registeredBy, VersionStatus.Registered, []);
                }
                else if (file == RegistryNames.StatusFile && blob.Metadata.TryGetValue("status", out var status)
                    && Enum.TryParse<VersionStatus>(status, ignoreCase: true, out var parsedStatus))
                {
                    statuses[version] = parsedStatus;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return manifests;
        }

        foreach (var (version, status) in statuses)
        {
            if (manifests.TryGetValue(version, out var summary))
            {
                manifests[version] = summary with { Status = status };
            }
        }

        return manifests;
    }
}
