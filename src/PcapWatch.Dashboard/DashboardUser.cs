namespace PcapWatch.Dashboard;

/// <summary>
/// One user of the page: a name, a role, and how they prove who they are — a password (browsers, HTTP Basic) and/or a
/// token (scripts, <c>Authorization: Bearer</c>), each kept only as <see cref="DashboardSecrets"/> hashes it.
/// </summary>
public sealed record DashboardUser
{
    /// <summary>The longest name: names go into log lines and audit records.</summary>
    public const int MaxNameLength = 64;

    public DashboardUser(string name, DashboardRole role, string? passwordHash, string? tokenHash)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentException(problem);
        if (string.IsNullOrEmpty(passwordHash) && string.IsNullOrEmpty(tokenHash))
        {
            throw new ArgumentException($"dashboard user '{name}' has neither PasswordHash nor TokenHash: nothing could prove it is them");
        }
        if (!string.IsNullOrEmpty(tokenHash) && !DashboardSecrets.IsTokenHash(tokenHash))
        {
            throw new ArgumentException($"dashboard user '{name}': TokenHash is not what `pcapwatch dashboard add-user --token` prints");
        }
        if (!string.IsNullOrEmpty(passwordHash) && !DashboardSecrets.IsPasswordHash(passwordHash))
        {
            throw new ArgumentException($"dashboard user '{name}': PasswordHash is not what `pcapwatch dashboard add-user` prints "
                + "(a password itself is never accepted here)");
        }
        (Name, Role, PasswordHash, TokenHash) = (name, role, NullIfEmpty(passwordHash), NullIfEmpty(tokenHash));
    }

    public string Name { get; }
    public DashboardRole Role { get; }
    public string? PasswordHash { get; }
    public string? TokenHash { get; }

    /// <summary>
    /// Why <paramref name="name"/> cannot be a user's name, or null: 1 to 64 letters, digits, '.', '_' or '-' — what a
    /// settings key, an environment variable and a log line all carry unchanged (HTTP Basic also splits at ':').
    /// </summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? $"'{name}' cannot be a dashboard user's name: 1 to {MaxNameLength} letters, digits, '.', '_' or '-'"
            : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
