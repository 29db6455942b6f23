using Mlops.Pipeline.Data.Validation;

namespace Mlops.Pipeline.Tests.Data;

public sealed class DuplicateRowCounterTests
{
    [Fact]
    public void Examples_name_the_first_occurrence_after_the_counter_has_resampled()
    {
        // Capacity 16 with 1,000 distinct rows: the counter re-samples several times before the repeats come. The
        // repeated rows' hashes have their top 16 bits zero, so every sampling level keeps them.
        var counter = new DuplicateRowCounter(capacity: 16);
        var random = new Random(5);
        var kept = Enumerable.Range(0, 8).Select(_ => (ulong)random.NextInt64() >> 16).ToArray();
        var firstSeen = new Dictionary<ulong, (int Part, long Row)>();
        long row = 0;
        void Observe(int part, ulong hash)
        {
            row++;
            firstSeen.TryAdd(hash, (part, row));
            counter.Observe(hash, part, row);
        }

        foreach (var hash in kept)
        {
            Observe(0, hash);
        }

        for (var i = 0; i < 1_000; i++)
        {
            Observe(1, (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63));
        }

        Assert.False(counter.IsExact); // re-sampled (several levels: about 1,000 / 16 rows' worth)
        foreach (var hash in kept.Take(6))
        {
            Observe(2, hash);
        }

        Assert.Equal(5, counter.Examples.Count);
        Assert.All(counter.Examples.Zip(kept), pair =>
        {
            var (example, hash) = pair;
            Assert.Equal(2, example.Part);
            Assert.Equal(firstSeen[hash], (example.FirstPart, example.FirstRow));
        });
    }
}
