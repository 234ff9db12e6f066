using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.Visibility;

/// <summary>One server for all visibility tests, apart from the conformance server so counts stay predictable.</summary>
[CollectionDefinition(Name)]
public sealed class VisibilityCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Visibility";
}
