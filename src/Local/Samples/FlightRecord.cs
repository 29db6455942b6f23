namespace Mlops.Local.Samples;

/// <summary>One flight as vega-datasets has it. Delay and distance are minutes and miles; either may be missing.</summary>
public sealed record FlightRecord(DateTime Date, long? Delay, long? Distance, string? Origin, string? Destination)
{
    /// <summary>The sample's label rule: departure delay over 15 minutes. Unknown when the delay is missing.</summary>
    public bool? IsDelayed => Delay is { } minutes ? minutes > FlightsSampleData.DelayThresholdMinutes : null;

    /// <summary>The calendar month the flight belongs to, as "yyyy-MM".</summary>
    public string Month => Date.ToString("yyyy-MM");
}
