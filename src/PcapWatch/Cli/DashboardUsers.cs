using PcapWatch.Cli.Configuration;
using PcapWatch.Dashboard;

namespace PcapWatch.Cli;

/// <summary>The page's users from the settings, each checked: a setting that cannot prove anyone is an error, not a gap.</summary>
internal static class DashboardUsers
{
    public static DashboardCredentials From(DashboardSettings settings)
    {
        foreach (var (key, value) in new[] { ("Token", settings.Token), ("User", settings.User), ("Password", settings.Password) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                throw new SettingsException($"Dashboard:{key} is not read: the page keeps no plain password or token. Give each person a "
                    + "user under Dashboard:Users; `pcapwatch dashboard add-user NAME` prints the lines to paste");
            }
        }
        try
        {
            return new DashboardCredentials(settings.Users.Select(u => new DashboardUser(u.Key, u.Value.Role, u.Value.PasswordHash,
                u.Value.TokenHash)));
        }
        catch (ArgumentException ex)
        {
            throw new SettingsException($"Dashboard:Users: {ex.Message}");
        }
    }
}
