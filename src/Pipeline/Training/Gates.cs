namespace Mlops.Pipeline.Training;

/// <summary>One check of the gate: what was compared, the numbers, and whether it passed.</summary>
public sealed record GateCheck(string Kind, string Metric, double Candidate, double? Champion, double Limit, string Comparison, bool Passed);

/// <summary>Every check the spec asks for; the candidate passes only if all pass.</summary>
public sealed record GateResult(bool Passed, IReadOnlyList<GateCheck> Checks);

internal static class GateEvaluator
{
    public const string Absolute = "absolute";
    public const string ChampionKind = "champion";
    public const string Parity = "parity";

    public static GateResult Evaluate(GateSpec gates, EvaluationResult candidate, EvaluationResult? champion, double parityDifference)
    {
        var checks = new List<GateCheck>();
        foreach (var gate in gates.Absolute)
        {
            var value = candidate.Metrics[gate.Metric];
            if (gate.Min is { } min)
            {
                checks.Add(new GateCheck(Absolute, gate.Metric, value, null, min, ">=", value >= min));
            }

            if (gate.Max is { } max)
            {
                checks.Add(new GateCheck(Absolute, gate.Metric, value, null, max, "<=", value <= max));
            }
        }

        if (champion is not null)
        {
            foreach (var gate in gates.Champion)
            {
                var value = candidate.Metrics[gate.Metric];
                var baseline = champion.Metrics[gate.Metric];
                var higher = MetricNames.GreaterIsBetter(gate.Metric);
                // MLflow: the change in the metric's better direction must be at least the configured change.
                if (gate.MinAbsoluteChange is { } absolute)
                {
                    var limit = higher ? baseline + absolute : baseline - absolute;
                    checks.Add(new GateCheck(ChampionKind, gate.Metric, value, baseline, limit, higher ? ">=" : "<=", higher ? value >= limit : value <= limit));
                }

                if (gate.MinRelativeChange is { } relative)
                {
                    var limit = higher ? baseline * (1 + relative) : baseline * (1 - relative);
                    checks.Add(new GateCheck(ChampionKind, gate.Metric, value, baseline, limit, higher ? ">=" : "<=", higher ? value >= limit : value <= limit));
                }
            }
        }

        checks.Add(new GateCheck(Parity, "maxAbsoluteDifference", parityDifference, null, gates.MaxParityDifference, "<=", parityDifference <= gates.MaxParityDifference));
        return new GateResult(checks.All(c => c.Passed), checks);
    }
}
