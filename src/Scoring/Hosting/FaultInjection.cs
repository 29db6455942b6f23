namespace Mlops.Scoring.Hosting;

/// <summary>The fault switch: fails or delays a configured share of requests, so rollbacks can be exercised for real.</summary>
internal static class FaultInjection
{
    /// <summary>Applies the configured delay; true when this request must fail.</summary>
    public static async Task<bool> ApplyAsync(FaultOptions faults, CancellationToken cancellationToken)
    {
        if (faults.DelayMilliseconds > 0 && Random.Shared.NextDouble() < faults.DelayRate)
        {
            await Task.Delay(faults.DelayMilliseconds, cancellationToken);
        }

        return Random.Shared.NextDouble() < faults.FailureRate;
    }
}
