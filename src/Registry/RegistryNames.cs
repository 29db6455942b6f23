using System.Text.RegularExpressions;

namespace Mlops.Registry;

/// <summary>
/// Names that become parts of blob paths, validated before any request is sent. Model names match
/// <c>^[a-z0-9][a-z0-9-]{0,62}$</c> (1-63 characters: lower-case letters, digits, hyphens, not starting with a
/// hyphen); alias names match <c>^[a-z][a-z0-9-]{0,62}$</c> (they start with a letter, so an alias can never be
/// mistaken for a version number) and <c>latest</c> is reserved; artifact file names match
/// <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$</c> (no slash, no leading dot, so no path traversal and no hidden
/// files). The patterns are anchored with <c>\A</c> and <c>\z</c>: <c>$</c> would accept a trailing newline.
/// </summary>
public static partial class RegistryNames
{
    public const string Champion = "champion";
    public const string Challenger = "challenger";
    public const string Previous = "previous";

    /// <summary>Not an alias: resolves to the highest registered version.</summary>
    public const string Latest = "latest";

    public const string ManifestFile = "manifest.json";
    public const string StatusFile = "status.json";

    public const int MaxActorLength = 256;
    public const int MaxReasonLength = 4096;

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPattern();

    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ArtifactPattern();

    public static bool IsValidModel(string? model) => model is not null && ModelPattern().IsMatch(model);

    public static bool IsValidAlias(string? alias) => alias is not null && alias != Latest && AliasPattern().IsMatch(alias);

    public static bool IsValidArtifactName(string? name) =>
        name is not null && ArtifactPattern().IsMatch(name) && name is not ManifestFile and not StatusFile;

    public static string ValidateModel(string? model, string paramName = "model") =>
        IsValidModel(model)
            ? model!
            : throw new ArgumentException(
                $"Model name '{Printable(model)}' is not valid: use 1-63 lower-case letters, digits and hyphens, starting with a letter or digit.",
                paramName);

    public static string ValidateAlias(string? alias, string paramName = "alias") =>
        IsValidAlias(alias)
            ? alias!
            : throw new ArgumentException(
                alias == Latest
                    ? "'latest' is reserved (it always means the highest registered version) and cannot be an alias."
                    : $"Alias name '{Printable(alias)}' is not valid: use 1-63 lower-case letters, digits and hyphens, starting with a letter.",
                paramName);

    public static string ValidateArtifactName(string? name, string paramName = "name") =>
        IsValidArtifactName(name)
            ? name!
            : throw new ArgumentException(
                name is ManifestFile or StatusFile
                    ? $"Artifact name '{name}' is reserved by the registry."
                    : $"Artifact name '{Printable(name)}' is not valid: use 1-128 letters, digits, '.', '_' and '-', starting with a letter or digit (no folders).",
                paramName);

    public static int ValidateVersion(int version, string paramName = "version") =>
        version > 0 ? version : throw new ArgumentOutOfRangeException(paramName, version, "Versions start at 1.");

    public static string ValidateActor(string? actor, string paramName = "actor")
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > MaxActorLength || actor.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"Actor '{Printable(actor)}' is not valid: give the pipeline instance id or user, 1-{MaxActorLength} characters without control characters.",
                paramName);
        }

        return actor;
    }

    public static string? ValidateReason(string? reason, string paramName = "reason") =>
        reason is null || reason.Length <= MaxReasonLength
            ? reason
            : throw new ArgumentException($"The reason is longer than {MaxReasonLength} characters.", paramName);

    /// <summary>A name for an error message: control characters shown escaped, long names cut.</summary>
    internal static string Printable(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var cut = value.Length > 80 ? value[..80] + "..." : value;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}

/// <summary>Where everything lives in the registry container (see docs/ARCHITECTURE.md).</summary>
internal static class RegistryPaths
{
    public static string VersionsPrefix(string model) => $"{model}/versions/";

    public static string VersionPrefix(string model, int version) => $"{model}/versions/{version}/";

    /// <summary>
    /// The allocation marker: created with If-None-Match: * to claim a number. A leading dot, so no artifact
    /// name can collide with it.
    /// </summary>
    public static string Marker(string model, int version) => VersionPrefix(model, version) + ".allocated";

    public static string Artifact(string model, int version, string name) => VersionPrefix(model, version) + name;

    public static string Manifest(string model, int version) => Artifact(model, version, RegistryNames.ManifestFile);

    public static string Status(string model, int version) => Artifact(model, version, RegistryNames.StatusFile);

    /// <summary>A hint, never the truth: the highest version number some registration allocated.</summary>
    public static string AllocationHint(string model) => $"{model}/allocation.json";

    public static string AliasesPrefix(string model) => $"{model}/aliases/";

    public static string Alias(string model, string alias) => $"{model}/aliases/{alias}.json";

    public static string AuditPrefix(string model) => $"{model}/audit/";

    public static string Audit(string model, DateTimeOffset time) => $"{model}/audit/{time.UtcDateTime:yyyy-MM}.log";

    /// <summary>The version of a blob below <c>{model}/versions/</c> and the file name after it, if any.</summary>
    public static bool TryParseVersionBlob(string model, string blobName, out int version, out string file)
    {
        version = 0;
        file = "";
        var prefix = VersionsPrefix(model);
        if (!blobName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = blobName.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || !int.TryParse(rest[..slash], System.Globalization.NumberStyles.None, null, out version) || version <= 0)
        {
            return false;
        }

        file = rest[(slash + 1)..].ToString();
        return true;
    }
}
