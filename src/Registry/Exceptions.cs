namespace Mlops.Registry;

/// <summary>A registry operation that could not be done; the message names the model, version and alias.</summary>
public class RegistryException : Exception
{
    public RegistryException()
    {
    }

    public RegistryException(string message)
        : base(message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RegistryException(string message, string? model, int? version = null, string? alias = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Model = model;
        Version = version;
        Alias = alias;
    }

    public string? Model { get; }

    public int? Version { get; }

    public string? Alias { get; }
}

/// <summary>
/// Someone else got there first: an alias or status moved since it was read (If-Match failed), an alias does
/// not point at the expected version, or a transition is not allowed. Re-read and decide again.
/// </summary>
public sealed class RegistryConflictException : RegistryException
{
    public RegistryConflictException()
    {
    }

    public RegistryConflictException(string message)
        : base(message)
    {
    }

    public RegistryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RegistryConflictException(string message, string? model, int? version = null, string? alias = null, Exception? innerException = null)
        : base(message, model, version, alias, innerException)
    {
    }
}

/// <summary>A model, version (a version exists only once its manifest does), alias or artifact that is not there.</summary>
public sealed class RegistryNotFoundException : RegistryException
{
    public RegistryNotFoundException()
    {
    }

    public RegistryNotFoundException(string message)
        : base(message)
    {
    }

    public RegistryNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RegistryNotFoundException(string message, string? model, int? version = null, string? alias = null, Exception? innerException = null)
        : base(message, model, version, alias, innerException)
    {
    }
}

/// <summary>
/// What was read does not match what was registered: an artifact whose SHA-256 or size differs from the
/// manifest, an artifact the manifest lists but storage no longer has, or a manifest that names another
/// model or version. Never serve such a model.
/// </summary>
public sealed class ModelIntegrityException : RegistryException
{
    public ModelIntegrityException()
    {
    }

    public ModelIntegrityException(string message)
        : base(message)
    {
    }

    public ModelIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelIntegrityException(string message, string? model, int? version = null, string? alias = null, Exception? innerException = null)
        : base(message, model, version, alias, innerException)
    {
    }
}

/// <summary>A candidate package folder that does not follow the contract (see <see cref="CandidatePackage"/>).</summary>
public sealed class InvalidCandidateException : Exception
{
    public InvalidCandidateException()
    {
    }

    public InvalidCandidateException(string message)
        : base(message)
    {
    }

    public InvalidCandidateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
