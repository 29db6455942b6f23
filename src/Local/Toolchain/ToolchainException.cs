namespace Mlops.Local.Toolchain;

/// <summary>
/// A local tool (Node.js, npm, Azurite) is missing or failed. The message says what went wrong and how to fix it.
/// </summary>
public sealed class ToolchainException : Exception
{
    public ToolchainException(string message) : base(message) { }

    public ToolchainException(string message, Exception innerException) : base(message, innerException) { }
}
