using System.CommandLine;
using System.Text;
using System.Text.Json;
using PcapWatch.Cli.Configuration;
using PcapWatch.Dashboard;

namespace PcapWatch.Cli;

/// <summary>
/// <c>dashboard add-user NAME</c>: hashes a new user's password (read from stdin or typed without echo, never a flag)
/// and/or makes a token, and prints what to paste into the settings. Nothing is stored by the command itself: the
/// settings file is the operator's.
/// </summary>
internal static class AddUserCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The user's name: letters, digits, '.', '_' or '-'" };
        var role = new Option<string>("--role")
        {
            Description = "analyst (everything: the packet feed, who, the audit trail) or viewer (counts and charts only)",
            DefaultValueFactory = _ => "viewer",
        }.AcceptOnlyFromAmong(SettingValue.Names(typeof(DashboardRole)));
        var token = new Option<bool>("--token") { Description = "Also make a token for scripts (Authorization: Bearer), shown this once" };
        var noPassword = new Option<bool>("--no-password") { Description = "A token only (with --token): for a script, not a person" };
        var command = new Command("add-user", "Print the settings lines of a new dashboard user: the password's salted hash (the "
            + $"password from stdin, or typed twice without echo; at least {DashboardSecrets.MinimumPasswordLength} characters) and/or "
            + "a new token's hash. Paste them into appsettings.json or the environment; the dashboard reads them at start."
            + CommonOptions.Examples("pcapwatch dashboard add-user alice --role analyst",
                "printf '%s\\n' \"$PASSWORD\" | pcapwatch dashboard add-user bob",
                "pcapwatch dashboard add-user nightly-report --token --no-password"))
        {
            name, role, token, noPassword,
        };
        command.SetAction(parse => Run(parse.GetValue(name)!, Enum.Parse<DashboardRole>(parse.GetValue(role)!, ignoreCase: true),
            parse.GetValue(token), parse.GetValue(noPassword)));
        return command;
    }

    private static int Run(string name, DashboardRole role, bool withToken, bool noPassword)
    {
        if (DashboardUser.NameProblem(name) is { } problem) throw new SettingsException(problem);
        if (noPassword && !withToken) throw new SettingsException("--no-password needs --token: the user would have no way in");
        var passwordHash = noPassword ? null : DashboardSecrets.HashPassword(ReadPassword());
        var newToken = withToken ? DashboardSecrets.NewToken() : null;
        var user = new DashboardUser(name, role, passwordHash, newToken is null ? null : DashboardSecrets.HashToken(newToken));
        Console.Out.Write(Lines(user, newToken));
        return ExitCodes.Ok;
    }

    /// <summary>'+' and '/' as themselves: the line goes into a settings file, never into a page.</summary>
    private static readonly JsonSerializerOptions Readable = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON member for <c>"Dashboard": { "Users": { … } }</c>, the same as environment variables, and the token.</summary>
    public static string Lines(DashboardUser user, string? newToken)
    {
        var fields = new Dictionary<string, string> { ["Role"] = SettingValue.Name(user.Role) };
        if (user.PasswordHash is { } passwordHash) fields["PasswordHash"] = passwordHash;
        if (user.TokenHash is { } tokenHash) fields["TokenHash"] = tokenHash;
        var text = new StringBuilder();
        text.AppendLine("# appsettings.json, inside \"Dashboard\": { \"Users\": { … } }:");
        text.AppendLine($"{JsonSerializer.Serialize(user.Name)}: {JsonSerializer.Serialize(fields, Readable)}");
        text.AppendLine("# or the environment:");
        foreach (var (key, value) in fields) text.AppendLine($"PCAPWATCH__Dashboard__Users__{user.Name}__{key}={value}");
        if (newToken is not null) text.AppendLine($"# the token, shown this once (Authorization: Bearer …):{Environment.NewLine}{newToken}");
        return text.ToString();
    }

    /// <summary>The first line of stdin when it is a pipe or file; otherwise typed twice, without echo.</summary>
    private static string ReadPassword()
    {
        string password;
        if (Console.IsInputRedirected)
        {
            password = Console.In.ReadLine() ?? throw new SettingsException("no password on stdin (one line: the password)");
        }
        else
        {
            password = Prompt("Password: ");
            if (Prompt("Again: ") != password) throw new SettingsException("the two passwords differ");
        }
        return DashboardSecrets.PasswordProblem(password) is { } problem ? throw new SettingsException(problem) : password;
    }

    private static string Prompt(string question)
    {
        Console.Error.Write(question);
        var typed = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) typed.Length = Math.Max(0, typed.Length - 1);
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return typed.ToString();
    }
}
