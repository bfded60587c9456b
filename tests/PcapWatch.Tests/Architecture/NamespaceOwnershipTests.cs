using NUnit.Framework;

namespace PcapWatch.Tests.Architecture;

/// <summary>
/// Each production assembly declares namespaces of its own, so that a <c>using</c> says which assembly a type comes
/// from (the broker's assembly once declared Core's <c>PcapWatch.Kafka</c>).
/// </summary>
public class NamespaceOwnershipTests
{
    [Test]
    public void No_namespace_is_declared_by_two_production_assemblies()
    {
        var production = ProductionAssemblies.All;
        var shared = production
            .SelectMany(a => a.GetTypes().Where(IsDeclared).Select(t => (Namespace: t.Namespace!, Assembly: a.GetName().Name)))
            .Distinct()
            .GroupBy(d => d.Namespace)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Assembly))}");
        Assert.That(shared, Is.Empty);
    }

    /// <summary>Types written in the sources: not those the compiler and source generators add in their own namespaces.</summary>
    private static bool IsDeclared(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("PcapWatch", StringComparison.Ordinal) && !type.Name.StartsWith('<');
}
