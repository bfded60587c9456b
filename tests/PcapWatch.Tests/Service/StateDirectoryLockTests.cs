using NUnit.Framework;
using PcapWatch.Service;

namespace PcapWatch.Tests.Service;

/// <summary>The state dir is PcapWatch's alone: marked when created, refused when it holds someone else's files or is in use.</summary>
public class StateDirectoryLockTests
{
    private string _dir = null!;

    [SetUp]
    public void Folder() => _dir = Path.Combine(Path.GetTempPath(), "pcapwatch-lock-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void A_new_folder_is_marked_and_can_be_claimed_again_after_release()
    {
        using (StateDirectoryLock.Acquire(_dir)) Assert.That(File.Exists(Path.Combine(_dir, StateDirectoryLock.MarkerFile)), Is.True);
        Directory.CreateDirectory(Path.Combine(_dir, "employees"));
        using (StateDirectoryLock.Acquire(_dir)) { }
    }

    [Test]
    public void A_second_instance_is_refused()
    {
        using var first = StateDirectoryLock.Acquire(_dir);
        Assert.That(() => StateDirectoryLock.Acquire(_dir), Throws.TypeOf<StateDirectoryException>().With.Message.Contains("in use"));
    }

    [Test]
    public void Someone_elses_files_are_refused_and_kept()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "thesis.tex"), "mine");
        Assert.That(() => StateDirectoryLock.Acquire(_dir), Throws.TypeOf<StateDirectoryException>().With.Message.Contains("did not create"));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName), Is.EqualTo(new[] { "thesis.tex" }));
    }

    [Test]
    public void A_state_dir_of_the_layout_before_the_marker_is_recognised()
    {
        foreach (var table in new[] { "employees", "computers" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, table));
            File.WriteAllText(Path.Combine(_dir, table, "layout"), "pcapwatch-faster-v1 page=20 memory=26 segment=28");
        }
        File.WriteAllText(Path.Combine(_dir, ".lock"), "123");
        using (StateDirectoryLock.Acquire(_dir)) Assert.That(File.Exists(Path.Combine(_dir, StateDirectoryLock.MarkerFile)), Is.True);
    }
}
