namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Who may read <c>pcapwatch dashboard</c>: named users from the settings only (the file, or
/// <c>PCAPWATCH__Dashboard__Users__NAME__…</c>), never a flag (flags show in process lists and shell histories); the
/// page's certificate, hosts, bounds and audit trail.
/// </summary>
internal sealed class DashboardSettings
{
    /// <summary>
    /// The users, by name: each with a role and a password hash and/or a token hash, as <c>pcapwatch dashboard
    /// add-user</c> prints them.
    /// </summary>
    public Dictionary<string, DashboardUserSettings> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Also write the audit trail to the DASHBOARD_AUDIT topic (it is always logged).</summary>
    public bool AuditToTopic { get; set; }

    /// <summary>Read only to be refused: a plain token or password is not kept in settings any more.</summary>
    public string? Token { get; set; }

    /// <inheritdoc cref="Token"/>
    public string? User { get; set; }

    /// <inheritdoc cref="Token"/>
    public string? Password { get; set; }

    /// <summary>The page's TLS certificate: a PFX/PKCS#12 file, or a PEM certificate (its key in the same file or in
    /// <see cref="CertificateKeyFile"/>). Without one, the page speaks plain HTTP, on loopback only unless
    /// <see cref="AllowHttp"/>.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>, when it is in a file of its own.</summary>
    public string? CertificateKeyFile { get; set; }

    /// <summary>The PFX's password, or the PEM key's when it is encrypted.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Plain HTTP beyond loopback (behind a proxy that ends TLS, on a network the operator trusts).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Comma list of host names the page answers to besides addresses and localhost (421 for any other Host).
    /// </summary>
    public string AllowedHosts { get; set; } = "";

    /// <summary>Live streams (<c>/api/matches/stream</c>) served at once; one more is refused with 429.</summary>
    public int MaxStreams { get; set; } = PcapWatch.Dashboard.DashboardOptions.DefaultMaxStreams;

    /// <summary>The longest <c>like</c> pattern or employee filter a request may give; longer is refused with 400.</summary>
    public int MaxPatternLength { get; set; } = PcapWatch.Dashboard.DashboardOptions.DefaultMaxPatternLength;
}
