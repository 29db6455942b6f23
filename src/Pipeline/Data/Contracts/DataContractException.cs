namespace Mlops.Pipeline.Data.Contracts;

/// <summary>A contract that cannot be used: <see cref="Key"/> is the JSON path of the key at fault (e.g. <c>columns[2].min</c>).</summary>
public sealed class DataContractException : Exception
{
    public DataContractException(string key, string message)
        : base($"{key}: {message}")
    {
        Key = key;
    }

    public DataContractException()
    {
        Key = "";
    }

    public DataContractException(string message)
        : base(message)
    {
        Key = "";
    }

    public DataContractException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "";
    }

    public string Key { get; }
}
