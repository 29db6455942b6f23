using Mlops.TestSupport;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
