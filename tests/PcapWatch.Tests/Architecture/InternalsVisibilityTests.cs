using System.Reflection;
using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace PcapWatch.Tests.Architecture;

/// <summary>Each assembly's internals are its own: opened to tests and benchmarks, never to another production assembly.</summary>
public class InternalsVisibilityTests
{
    [Test]
    public void No_production_assembly_opens_its_internals_to_another()
    {
        var production = ProductionAssemblies.All;
        var opened = production.SelectMany(a => a.GetCustomAttributes<InternalsVisibleToAttribute>()
                .Select(v => (From: a.GetName().Name, To: v.AssemblyName)))
            .Where(v => !v.To.EndsWith("Tests", StringComparison.Ordinal) && !v.To.EndsWith("Benchmarks", StringComparison.Ordinal))
            .Select(v => $"{v.From} → {v.To}");
        Assert.That(opened, Is.Empty);
    }
}
