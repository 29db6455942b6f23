using Mlops.Scoring.Tests;

[assembly: AssemblyFixture(typeof(ScoringAppFixture))]
