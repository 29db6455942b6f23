using System.Security.Cryptography;
using System.Text.Json;

namespace Mlops.Registry;

/// <summary>
/// The input of a registration: a folder the training step writes, and the contract it conforms to.
/// <list type="bullet">
/// <item><c>model.onnx</c> (what scoring serves), <c>model.zip</c> (the ML.NET model) and <c>candidate.json</c>
/// are required and must not be empty.</item>
/// <item><c>candidate.json</c> is a JSON object with at least <c>"model"</c>, the model name
/// (<see cref="RegistryNames.ValidateModel"/>). Everything else training records (metrics, gates, dataset
/// {uri, etag, sha256}, contract and spec hashes, trainer, hyperparameters, seed, codeVersion, ONNX input
/// schema, pipeline instance id, ...) is kept as is: the registry copies the object into the manifest's
/// <c>candidate</c> and checks nothing else in it.</item>
/// <item>Every other file of the folder (profile.json, gate.json, spec.json, contract.json, ...) is an
/// artifact too. Only plain files at the top level: no sub-folders, no links; names follow
/// <see cref="RegistryNames.IsValidArtifactName"/>; <c>manifest.json</c> and <c>status.json</c> are reserved.</item>
/// <item>At most <see cref="MaxFiles"/> files of at most <see cref="MaxFileBytes"/> bytes each;
/// <c>candidate.json</c> at most <see cref="MaxCandidateJsonBytes"/>.</item>
/// </list>
/// Loading reads every file into memory and hashes it, so what is uploaded is exactly what was hashed, and
/// a bad package fails before a version number is taken.
/// </summary>
public sealed class CandidatePackage
{
    public const string OnnxFile = "model.onnx";
    public const string MlNetFile = "model.zip";
    public const string CandidateFile = "candidate.json";
    public const int MaxFiles = 64;
    public const long MaxFileBytes = 512L * 1024 * 1024;
    public const int MaxCandidateJsonBytes = 1024 * 1024;

    private CandidatePackage(string model, JsonElement candidate, IReadOnlyList<PackageFile> files)
    {
        Model = model;
        Candidate = candidate;
        Files = files;
    }

    /// <summary>The model name from <c>candidate.json</c>.</summary>
    public string Model { get; }

    /// <summary>The whole <c>candidate.json</c> object.</summary>
    public JsonElement Candidate { get; }

    /// <summary>Every file, in ordinal name order, with its bytes and SHA-256.</summary>
    public IReadOnlyList<PackageFile> Files { get; }

    /// <summary>Reads and checks a candidate folder. <paramref name="expectedModel"/>, if given, must match.</summary>
    /// <exception cref="InvalidCandidateException">The folder does not follow the contract.</exception>
    public static async Task<CandidatePackage> LoadAsync(string directory, string? expectedModel = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (expectedModel is not null)
        {
            RegistryNames.ValidateModel(expectedModel, nameof(expectedModel));
        }

        var folder = new DirectoryInfo(directory);
        if (!folder.Exists)
        {
            throw new InvalidCandidateException($"Candidate folder '{directory}' does not exist.");
        }

        var entries = folder.GetFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        if (entries.Count > MaxFiles)
        {
            throw new InvalidCandidateException($"Candidate folder '{directory}' has {entries.Count} entries; at most {MaxFiles} files are allowed.");
        }

        var files = new List<(string Name, FileInfo Info)>();
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo)
            {
                throw new InvalidCandidateException($"Candidate folder '{directory}' contains the folder '{RegistryNames.Printable(entry.Name)}'; a package holds plain files only.");
            }

            if (entry.LinkTarget is not null || entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                throw new InvalidCandidateException($"Candidate file '{RegistryNames.Printable(entry.Name)}' is a link; a package holds plain files only.");
            }

            if (!RegistryNames.IsValidArtifactName(entry.Name))
            {
                throw new InvalidCandidateException(
                    $"Candidate file name '{RegistryNames.Printable(entry.Name)}' is not allowed: use 1-128 letters, digits, '.', '_' and '-', starting with a letter or digit; '{RegistryNames.ManifestFile}' and '{RegistryNames.StatusFile}' are reserved.");
            }

            files.Add((entry.Name, (FileInfo)entry));
        }

        foreach (var required in new[] { OnnxFile, MlNetFile, CandidateFile })
        {
            var found = files.FirstOrDefault(f => f.Name == required);
            if (found.Info is null)
            {
                throw new InvalidCandidateException($"Candidate folder '{directory}' has no {required} (required: {OnnxFile}, {MlNetFile}, {CandidateFile}).");
            }

            if (found.Info.Length == 0)
            {
                throw new InvalidCandidateException($"Candidate file {required} in '{directory}' is empty.");
            }
        }

        var loaded = new List<PackageFile>(files.Count);
        foreach (var (name, info) in files)
        {
            var limit = name == CandidateFile ? MaxCandidateJsonBytes : MaxFileBytes;
            if (info.Length > limit)
            {
                throw new InvalidCandidateException($"Candidate file {name} has {info.Length:N0} bytes; the limit is {limit:N0}.");
            }

            var bytes = await File.ReadAllBytesAsync(info.FullName, cancellationToken);
            loaded.Add(new PackageFile(name, BinaryData.FromBytes(bytes), Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }

        var candidate = ParseCandidate(loaded.Single(f => f.Name == CandidateFile).Content, directory);
        var model = candidate.GetProperty("model").GetString()!;
        if (expectedModel is not null && expectedModel != model)
        {
            throw new InvalidCandidateException($"Candidate in '{directory}' is for model '{model}', not '{expectedModel}'.");
        }

        return new CandidatePackage(model, candidate, loaded);
    }

    private static JsonElement ParseCandidate(BinaryData content, string directory)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidCandidateException($"{CandidateFile} in '{directory}' is not valid JSON: {ex.Message}", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidCandidateException($"{CandidateFile} in '{directory}' must be a JSON object.");
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            throw new InvalidCandidateException($"{CandidateFile} in '{directory}' has no \"model\" string.");
        }

        if (!RegistryNames.IsValidModel(model.GetString()))
        {
            throw new InvalidCandidateException(
                $"{CandidateFile} in '{directory}' names the model '{RegistryNames.Printable(model.GetString())}', which is not a valid model name (1-63 lower-case letters, digits and hyphens, starting with a letter or digit).");
        }

        return root;
    }
}

/// <summary>A file of a candidate package: its bytes and their SHA-256 (lower-case hex).</summary>
public sealed record PackageFile(string Name, BinaryData Content, string Sha256)
{
    public long Bytes => Content.ToMemory().Length;
}
