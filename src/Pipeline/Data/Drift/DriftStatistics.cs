namespace Mlops.Pipeline.Data.Drift;

/// <summary>Distances between two binned distributions (counts over the same bins).</summary>
public static class DriftStatistics
{
    /// <summary>
    /// Population stability index: sum over bins of (c - r) * ln(c / r) on shares, where an empty bin's share is
    /// raised to <paramref name="epsilon"/> (else one empty bin makes it infinite).
    /// </summary>
    public static double PopulationStabilityIndex(IReadOnlyList<long> reference, IReadOnlyList<long> current, double epsilon = 1e-4)
    {
        var (r, c) = Shares(reference, current);
        var psi = 0.0;
        for (var i = 0; i < r.Length; i++)
        {
            var ri = Math.Max(r[i], epsilon);
            var ci = Math.Max(c[i], epsilon);
            psi += (ci - ri) * Math.Log(ci / ri);
        }

        return psi;
    }

    /// <summary>Jensen-Shannon distance: the square root of the JS divergence with base-2 logarithms, so it lies in [0, 1].</summary>
    public static double JensenShannonDistance(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var (p, q) = Shares(reference, current);
        var divergence = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = (p[i] + q[i]) / 2;
            if (p[i] > 0)
            {
                divergence += p[i] / 2 * Math.Log2(p[i] / m);
            }

            if (q[i] > 0)
            {
                divergence += q[i] / 2 * Math.Log2(q[i] / m);
            }
        }

        return Math.Sqrt(Math.Max(0, divergence));
    }

    /// <summary>
    /// Two-sample Kolmogorov-Smirnov statistic on ordered bins: the largest gap between the two cumulative shares
    /// at a bin edge. With one bin per distinct value it equals the exact statistic; with coarser bins it is a lower bound.
    /// </summary>
    public static double KolmogorovSmirnov(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var (r, c) = Shares(reference, current);
        double cr = 0, cc = 0, d = 0;
        for (var i = 0; i < r.Length; i++)
        {
            cr += r[i];
            cc += c[i];
            d = Math.Max(d, Math.Abs(cr - cc));
        }

        return d;
    }

    /// <summary>
    /// Asymptotic p-value of a two-sample KS statistic <paramref name="d"/> for sample sizes n and m:
    /// Q(λ) = 2 Σ (-1)^(k-1) e^(-2 k² λ²) with λ = (√ne + 0.12 + 0.11/√ne) d and ne = n m / (n + m) (Numerical Recipes).
    /// </summary>
    public static double KolmogorovSmirnovPValue(double d, long n, long m)
    {
        if (n <= 0 || m <= 0)
        {
            return 1;
        }

        var ne = (double)n * m / (n + m);
        var sqrt = Math.Sqrt(ne);
        return KolmogorovQ((sqrt + 0.12 + (0.11 / sqrt)) * d);
    }

    /// <summary>The Kolmogorov distribution's survival function Q(λ).</summary>
    public static double KolmogorovQ(double lambda)
    {
        if (lambda < 1e-3)
        {
            return 1;
        }

        double sum = 0, sign = 1;
        for (var k = 1; k <= 100; k++)
        {
            var term = sign * Math.Exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12)
            {
                break;
            }

            sign = -sign;
        }

        return Math.Clamp(2 * sum, 0, 1);
    }

    private static (double[] Reference, double[] Current) Shares(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.Count != current.Count)
        {
            throw new ArgumentException($"The distributions have {reference.Count} and {current.Count} bins; they must share bins.", nameof(current));
        }

        return (Normalise(reference), Normalise(current));
    }

    private static double[] Normalise(IReadOnlyList<long> counts)
    {
        var total = 0.0;
        foreach (var count in counts)
        {
            total += count;
        }

        var shares = new double[counts.Count];
        for (var i = 0; i < shares.Length && total > 0; i++)
        {
            shares[i] = counts[i] / total;
        }

        return shares;
    }
}
