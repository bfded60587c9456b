using PcapWatch.Dashboard;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>The page's users as the settings hold them: hashes made by the program's own hasher, never the secrets.</summary>
internal static class TestUsers
{
    public static DashboardUser User(string name, DashboardRole role, string? password = null, string? token = null) =>
        new(name, role, password is null ? null : DashboardSecrets.HashPassword(password), token is null ? null : DashboardSecrets.HashToken(token));

    public static DashboardCredentials Credentials(params DashboardUser[] users) => new(users);

    /// <summary>The same user as environment variables for the command (PCAPWATCH__Dashboard__Users__NAME__…).</summary>
    public static Dictionary<string, string> Environment(DashboardUser user)
    {
        var prefix = $"PCAPWATCH__Dashboard__Users__{user.Name}__";
        var variables = new Dictionary<string, string> { [prefix + "Role"] = user.Role.ToString().ToLowerInvariant() };
        if (user.PasswordHash is { } passwordHash) variables[prefix + "PasswordHash"] = passwordHash;
        if (user.TokenHash is { } tokenHash) variables[prefix + "TokenHash"] = tokenHash;
        return variables;
    }
}
