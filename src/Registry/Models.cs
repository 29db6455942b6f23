using System.Text.Json;

namespace Mlops.Registry;

/// <summary>One file of a version, as the manifest records it.</summary>
public sealed record ArtifactEntry(string Name, string Sha256, long Bytes);

/// <summary>
/// <c>{model}/versions/{version}/manifest.json</c>, written last and never rewritten: a version exists when
/// its manifest does. <see cref="Candidate"/> is the candidate package's <c>candidate.json</c>, copied as is.
/// </summary>
public sealed record ModelManifest(
    string Model,
    int Version,
    DateTimeOffset RegisteredAt,
    string RegisteredBy,
    IReadOnlyList<ArtifactEntry> Artifacts,
    JsonElement Candidate)
{
    public ArtifactEntry? FindArtifact(string name) => Artifacts.FirstOrDefault(a => a.Name == name);
}

/// <summary>Lifecycle of a version, kept beside the manifest (never in it).</summary>
public enum VersionStatus
{
    /// <summary>Registered and not yet acted on (a version with no status blob).</summary>
    Registered,

    /// <summary>Serving, or has served, production traffic.</summary>
    Deployed,

    /// <summary>Refused (by a gate, a reviewer or a rollback), with a reason and evidence.</summary>
    Rejected,

    /// <summary>No longer to be used; final.</summary>
    Retired,
}

/// <summary><c>{model}/versions/{version}/status.json</c>: the current status and why.</summary>
public sealed record VersionStatusRecord(
    string Model,
    int Version,
    VersionStatus Status,
    string? Reason = null,
    JsonElement? Evidence = null,
    DateTimeOffset? UpdatedAt = null,
    string? UpdatedBy = null);

/// <summary><c>{model}/aliases/{alias}.json</c>: which version an alias points at, and who moved it.</summary>
public sealed record AliasState(
    string Model,
    string Alias,
    int Version,
    DateTimeOffset UpdatedAt,
    string UpdatedBy,
    string? Reason = null);

/// <summary>The result of a promotion: the new champion and the alias that now holds the old one.</summary>
public sealed record PromotionResult(AliasState Champion, AliasState? Previous);

/// <summary>A row of <see cref="ModelRegistry.ListVersionsAsync"/>.</summary>
public sealed record ModelVersionSummary(
    string Model,
    int Version,
    DateTimeOffset RegisteredAt,
    string RegisteredBy,
    VersionStatus Status,
    IReadOnlyList<string> Aliases);

/// <summary>An artifact whose bytes matched the manifest's size and SHA-256.</summary>
public sealed record VerifiedArtifact(ModelManifest Manifest, ArtifactEntry Entry, BinaryData Content);

/// <summary>Audit actions.</summary>
public static class AuditActions
{
    public const string Register = "register";
    public const string Alias = "alias";
    public const string Status = "status";
}

/// <summary>
/// One line of <c>{model}/audit/{yyyy-MM}.log</c>. For an alias move, <see cref="From"/> and <see cref="To"/>
/// are versions (From null when the alias is new); for a status change they are statuses.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string Actor,
    string Action,
    string Model,
    int? Version = null,
    string? Alias = null,
    string? From = null,
    string? To = null,
    string? Reason = null);
