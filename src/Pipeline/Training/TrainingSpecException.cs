namespace Mlops.Pipeline.Training;

/// <summary>A training spec, or its combination with the contract, data or champion, that cannot be trained; names the key.</summary>
public sealed class TrainingSpecException(string key, string message) : Exception($"{key}: {message}")
{
    public string Key { get; } = key;
}
