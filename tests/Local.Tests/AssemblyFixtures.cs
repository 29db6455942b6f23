using Mlops.TestSupport;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
[assembly: AssemblyFixture(typeof(SampleDataFixture))]
