namespace Mlops.Scoring.Scoring;

/// <summary>A scoring request that cannot be scored; becomes a 400 ProblemDetails naming the row and field.</summary>
public sealed class ScoringRequestException(string message, int? row = null, string? field = null) : Exception(message)
{
    /// <summary>Zero-based row in the request (0 for a single-object request), if the problem is in a row.</summary>
    public int? Row { get; } = row;

    public string? Field { get; } = field;

    /// <summary>Where the problem is, as a JSON path into the request, e.g. <c>$[3].distance</c>.</summary>
    public string Location => (Row, Field) switch
    {
        (null, null) => "$",
        (null, { } f) => $"$.{f}",
        ({ } r, null) => $"$[{r}]",
        ({ } r, { } f) => $"$[{r}].{f}",
    };
}
