using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Data.Validation;

namespace Mlops.Pipeline.Data;

/// <summary>Validation and profile of one data set, made in the same pass.</summary>
public sealed record DataInspection(ValidationReport Report, DataProfile Profile);

/// <summary>
/// The entry points: validate, profile, or both in one pass. Every method reads the data set forward, part by
/// part, with memory bounded by the contract and the options, never by the number of rows.
/// </summary>
public static class DataInspector
{
    /// <summary>
    /// Rows per batch: validation and the profile each loop over a batch, so a small batch is still in the first-level
    /// caches for the second loop (128 measured about 4 % faster than <see cref="DataRowBatch.DefaultCapacity"/> on flights).
    /// </summary>
    private const int BatchSize = 128;

    /// <summary>Validates <paramref name="data"/> against <paramref name="contract"/> in one pass.</summary>
    public static async Task<ValidationReport> ValidateAsync(
        DataSet data, DataContract contract, DataProfile? reference = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var reader = new ContractReader(data, contract);
        var validation = new ValidationAccumulator(contract, reference, timeProvider);
        await foreach (var batch in reader.ReadBatchesAsync(BatchSize, cancellationToken))
        {
            validation.Observe(batch);
        }

        return validation.Build(reader);
    }

    /// <summary>
    /// A reference profile: edges and categories learned from <paramref name="data"/>. One pass while every numeric
    /// feature has at most <see cref="ProfileOptions.ExactDistinctLimit"/> distinct values (counted exactly); a
    /// second, counting pass with the edges from a seeded sample otherwise.
    /// </summary>
    public static async Task<DataProfile> ProfileAsync(DataSet data, DataContract contract, ProfileOptions? options = null, CancellationToken cancellationToken = default) =>
        (await InspectAsync(data, contract, reference: null, options, timeProvider: null, cancellationToken)).Profile;

    /// <summary>A profile of <paramref name="data"/> on <paramref name="reference"/>'s edges and categories, in one pass: what drift compares.</summary>
    public static async Task<DataProfile> ProfileAgainstAsync(DataSet data, DataProfile reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var contract = reference.ParseContract();
        var profile = new ProfileAccumulator(contract, reference);
        await foreach (var batch in new ContractReader(data, contract).ReadBatchesAsync(BatchSize, cancellationToken))
        {
            profile.Observe(batch);
        }

        return profile.Build();
    }

    /// <summary>
    /// Validates and profiles in the same pass: what the training pipeline runs on new training data. The profile
    /// learns its own layout (it becomes the new model's reference); <paramref name="reference"/> (the champion's
    /// profile) only supplies learned categories to validation.
    /// </summary>
    public static async Task<DataInspection> InspectAsync(
        DataSet data, DataContract contract, DataProfile? reference = null, ProfileOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var reader = new ContractReader(data, contract);
        var validation = new ValidationAccumulator(contract, reference, timeProvider);
        var profile = new ProfileAccumulator(contract, options);
        await foreach (var batch in reader.ReadBatchesAsync(BatchSize, cancellationToken))
        {
            validation.Observe(batch);
            profile.Observe(batch);
        }

        var report = validation.Build(reader);
        if (!profile.NeedsCountingPass)
        {
            return new DataInspection(report, profile.Build());
        }

        // Too many distinct values to count exactly: the first pass placed the edges, this one counts.
        var layout = profile.LayoutForCountingPass();
        var counting = new ProfileAccumulator(contract, layout);
        await foreach (var batch in reader.ReadBatchesAsync(BatchSize, cancellationToken))
        {
            counting.Observe(batch);
        }

        var counted = counting.Build();
        // The counting pass kept the learned categories in their learned order; restore frequency order and completeness.
        return new DataInspection(report, counted with
        {
            Columns = [.. counted.Columns.Zip(layout.Columns, (c, learned) => c with { Categorical = learned.Categorical })],
        });
    }
}
