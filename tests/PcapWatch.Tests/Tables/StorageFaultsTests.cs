using NUnit.Framework;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Tables;

/// <summary>
/// A fault of the disk stops the program and leaves the state alone; only a fault of what is stored gets it set aside
/// and rebuilt. The errno values are what .NET puts in an IOException's HResult on Linux.
/// </summary>
public class StorageFaultsTests
{
    public static IEnumerable<TestCaseData> Faults()
    {
        yield return new TestCaseData(new UnauthorizedAccessException("Access to the path '/s/employees/hlog.log.0' is denied."), true)
            .SetName("Permission_denied");
        yield return new TestCaseData(new IOException("Read-only file system : '/s/employees'", 30), true).SetName("Read_only_file_system");
        yield return new TestCaseData(new IOException("No space left on device : '/s/employees'", 28), true).SetName("Disk_full");
        yield return new TestCaseData(new IOException("Disk quota exceeded", 122), true).SetName("Quota_exceeded");
        yield return new TestCaseData(new IOException("Input/output error", 5), true).SetName("Failing_disk");
        yield return new TestCaseData(new InvalidOperationException("FASTER failed", new AggregateException(new IOException("full", 28))), true)
            .SetName("Wrapped_by_a_library");
        yield return new TestCaseData(new InvalidDataException("recovered 3 rows, the checkpoint says 4"), false).SetName("Rows_do_not_match");
        yield return new TestCaseData(new EndOfStreamException("cut short"), false).SetName("A_file_cut_short");
        yield return new TestCaseData(new IOException("Device or resource busy", 16), false).SetName("Anything_else_is_the_stores");
    }

    [TestCaseSource(nameof(Faults))]
    public void Storage_faults_are_told_from_damaged_stores(Exception fault, bool isEnvironment)
    {
        Assert.That(StorageFaults.IsEnvironment(fault), Is.EqualTo(isEnvironment));
    }

    [Test]
    public void The_line_names_the_cause_not_the_wrapper()
    {
        var fault = new InvalidOperationException("FASTER failed", new IOException("No space left on device : '/s/x'", 28));
        Assert.That(StorageFaults.Describe(fault), Is.EqualTo("No space left on device : '/s/x'"));
    }
}
