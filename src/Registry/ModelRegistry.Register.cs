using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Mlops.Registry;

public partial class ModelRegistry
{
    /// <summary>Loads the candidate folder and registers it as the model's next version.</summary>
    /// <exception cref="InvalidCandidateException">The folder does not follow the package contract.</exception>
    public virtual async Task<ModelManifest> RegisterAsync(string candidateDirectory, string actor, string? model = null, CancellationToken cancellationToken = default)
    {
        RegistryNames.ValidateActor(actor);
        var package = await CandidatePackage.LoadAsync(candidateDirectory, model, cancellationToken);
        return await RegisterAsync(package, actor, cancellationToken);
    }

    /// <summary>
    /// Registers a loaded package as the model's next version: claim a number (marker blob created with
    /// If-None-Match: *), upload every artifact (create-only, SHA-256 in its metadata), then write the
    /// manifest (create-only) and an audit entry. Until the manifest exists the version does not exist for
    /// readers; if this stops half-way, the number stays taken and the next registration takes the next one.
    /// </summary>
    public virtual async Task<ModelManifest> RegisterAsync(CandidatePackage package, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        RegistryNames.ValidateActor(actor);
        var model = RegistryNames.ValidateModel(package.Model);

        var version = await AllocateVersionAsync(model, actor, cancellationToken);

        var artifacts = new List<ArtifactEntry>(package.Files.Count);
        foreach (var file in package.Files)
        {
            await UploadArtifactAsync(model, version, file, cancellationToken);
            artifacts.Add(new ArtifactEntry(file.Name, file.Sha256, file.Bytes));
        }

        var manifest = new ModelManifest(model, version, _time.GetUtcNow(), actor, artifacts, package.Candidate);
        var metadata = new Dictionary<string, string>
        {
            ["registeredat"] = manifest.RegisteredAt.ToString("O", CultureInfo.InvariantCulture),
            ["registeredby"] = Uri.EscapeDataString(actor),
        };
        try
        {
            await _container.GetBlobClient(RegistryPaths.Manifest(model, version))
                .UploadAsync(BinaryData.FromObjectAsJson(manifest, RegistryJson.Indented), CreateOnly(metadata), cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConditionFailure(ex))
        {
            // Only possible if something bypassed the allocation marker: never overwrite a version.
            throw new RegistryConflictException($"Version {version} of model '{model}' already has a manifest; versions are immutable.", model, version, null, ex);
        }

        await AppendAuditAsync(new AuditEntry(manifest.RegisteredAt, actor, AuditActions.Register, model, version, To: version.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        return manifest;
    }

    private async Task UploadArtifactAsync(string model, int version, PackageFile file, CancellationToken cancellationToken)
    {
        var options = CreateOnly(new Dictionary<string, string> { ["sha256"] = file.Sha256 });
        options.HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypeOf(file.Name) };
        try
        {
            await _container.GetBlobClient(RegistryPaths.Artifact(model, version, file.Name)).UploadAsync(file.Content, options, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConditionFailure(ex))
        {
            throw new RegistryConflictException($"Artifact {file.Name} of version {version} of model '{model}' already exists; versions are immutable.", model, version, null, ex);
        }
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".json" => "application/json",
        ".zip" => "application/zip",
        _ => "application/octet-stream",
    };

    /// <summary>
    /// Claims the next version number. Invariant: the markers of a model are exactly 1..N, because a number
    /// is only claimed after every number below it was seen taken, and markers are never deleted. Start just
    /// above the allocation hint (a lower bound: it only ever holds a number some registration claimed) and
    /// try to create that marker with If-None-Match: *; the service lets exactly one racer create it, the
    /// others get 409 and move on. If the hint lags far behind (lost, or many racers), stop probing one by
    /// one and find the first free number with exponential then binary search over "marker exists", which
    /// the invariant makes monotone. A marker without a manifest (a crashed registration) simply counts as
    /// taken, so it never blocks anyone.
    /// </summary>
    private async Task<int> AllocateVersionAsync(string model, string actor, CancellationToken cancellationToken)
    {
        var (hint, _) = await ReadJsonAsync<AllocationHint>(RegistryPaths.AllocationHint(model), cancellationToken);
        var hinted = Math.Max(0, hint?.LastAllocated ?? 0);
        var candidate = hinted + 1;
        var misses = 0;
        var containerCreated = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var marker = new VersionMarker(model, candidate, _time.GetUtcNow(), actor);
            try
            {
                await _container.GetBlobClient(RegistryPaths.Marker(model, candidate))
                    .UploadAsync(BinaryData.FromObjectAsJson(marker, RegistryJson.Options), CreateOnly(), cancellationToken);
                break;
            }
            catch (RequestFailedException ex) when (IsConditionFailure(ex))
            {
                misses++;
                candidate = misses % 3 == 0
                    ? await FindFirstFreeVersionAsync(model, candidate + 1, cancellationToken)
                    : candidate + 1;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound && !containerCreated)
            {
                // First registration into a fresh account. With data-plane roles only, create the container
                // in infrastructure instead; this then fails with the service's 403, which is the right error.
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                containerCreated = true;
            }
        }

        if (candidate > hinted)
        {
            // Best effort, last writer wins: a racer may write a smaller number, which is still a lower bound.
            try
            {
                await _container.GetBlobClient(RegistryPaths.AllocationHint(model))
                    .UploadAsync(BinaryData.FromObjectAsJson(new AllocationHint(candidate), RegistryJson.Options), overwrite: true, cancellationToken);
            }
            catch (RequestFailedException)
            {
                // The hint is an optimisation; a failed write only costs the next registration some probes.
            }
        }

        return candidate;
    }

    /// <summary>The first number at or above <paramref name="from"/> whose marker does not exist.</summary>
    private async Task<int> FindFirstFreeVersionAsync(string model, int from, CancellationToken cancellationToken)
    {
        var low = from;
        var step = 1;
        var high = from;
        while (await ExistsAsync(RegistryPaths.Marker(model, high), cancellationToken))
        {
            low = high + 1;
            high = checked(high + step);
            step *= 2;
        }

        // Markers exist below low, and not at high: binary search for the first missing one in [low, high].
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (await ExistsAsync(RegistryPaths.Marker(model, middle), cancellationToken))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private sealed record AllocationHint(int LastAllocated);

    private sealed record VersionMarker(string Model, int Version, DateTimeOffset AllocatedAt, string AllocatedBy);
}
