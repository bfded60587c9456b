using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NUnit.Framework;

namespace PcapWatch.Tests.Architecture;

/// <summary>
/// The sources stay readable: no file under src/ over a few screens, no method over one. Read from the sources the
/// tests were built from (the repository holds them; a test run without them says so).
/// </summary>
public class SizeRulesTests
{
    private const int MaxFileLines = 300;
    private const int MaxMethodLines = 60;

    private static string Sources()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PcapWatch.sln"))) return Path.Combine(dir.FullName, "src");
        }
        Assert.Ignore("the repository's sources are not beside this test run");
        return "";
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    [Test]
    public void No_source_file_is_longer_than_300_lines()
    {
        var root = Sources();
        var files = SourceFiles(root).ToList();
        Assert.That(files, Has.Count.GreaterThan(150), "the sources were found");
        var tooLong = files.Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > MaxFileLines).Select(f => $"{f.File}: {f.Lines} lines");
        Assert.That(tooLong, Is.Empty);
    }

    /// <summary>.editorconfig asks for 120 in new code; no line may pass 150, where reading needs a scroll.</summary>
    [Test]
    public void No_source_line_is_longer_than_150_characters()
    {
        var root = Sources();
        var tooLong = SourceFiles(root)
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, line.Length)))
            .Where(l => l.Length > 150).Select(l => $"{l.File}:{l.Line}: {l.Length} characters");
        Assert.That(tooLong, Is.Empty);
    }

    [Test]
    public void No_method_is_longer_than_60_lines()
    {
        var root = Sources();
        var tooLong = new List<string>();
        int methods = 0;
        foreach (var file in SourceFiles(root))
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file);
            foreach (var member in tree.GetRoot().DescendantNodes().Where(IsMethodLike))
            {
                methods++;
                var span = member.GetLocation().GetLineSpan();
                int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > MaxMethodLines) tooLong.Add($"{Path.GetRelativePath(root, file)}:{span.StartLinePosition.Line + 1} {Name(member)}: {lines} lines");
            }
        }
        Assert.That(methods, Is.GreaterThan(1_000), "the methods were found");
        Assert.That(tooLong, Is.Empty);
    }

    private static bool IsMethodLike(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax;

    private static string Name(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
        LocalFunctionStatementSyntax l => l.Identifier.Text + " (local function)",
        _ => node.Kind().ToString(),
    };
}
