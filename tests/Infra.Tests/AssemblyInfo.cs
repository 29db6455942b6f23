using Mlops.Infra.Tests.Support;

[assembly: AssemblyFixture(typeof(CompiledMainTemplate))]
