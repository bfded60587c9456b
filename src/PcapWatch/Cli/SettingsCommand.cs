using System.CommandLine;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli;

/// <summary>
/// <c>settings</c>: every setting of <c>run</c> with its key, flag and default, as docs/operations.md shows it.
/// </summary>
internal static class SettingsCommand
{
    public static Command Create()
    {
        var command = new Command("settings", "Print every setting of 'run' (configuration key, flag, default, meaning) as a "
            + "Markdown table: the table of docs/operations.md is this output.");
        command.SetAction(_ =>
        {
            Console.Out.Write(SettingFlags.MarkdownTable());
            return 0;
        });
        return command;
    }
}
