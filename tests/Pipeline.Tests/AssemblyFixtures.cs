using Mlops.TestSupport;

[assembly: AssemblyFixture(typeof(SampleDataFixture))]
